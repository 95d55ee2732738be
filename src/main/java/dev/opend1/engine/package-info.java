/**
 * The engine: owns every database's files and, through them, SQLite's lifecycle. It is the only
 * code that opens a database or writes, replaces, truncates or deletes its files; the history only
 * describes states ({@link dev.opend1.engine.StateImage}), and an export reads a snapshot through
 * {@link dev.opend1.engine.DumpSource}. Only this package and the catalog's embedded store touch
 * {@code org.sqlite} or {@code java.sql}.
 */
package dev.opend1.engine;
