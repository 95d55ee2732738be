/**
 * The engine: owns every database's files and, through them, SQLite's lifecycle. It is the only
 * code that opens a database or writes, replaces, truncates or deletes its files; the history only
 * describes states ({@link dev.opend1.engine.StateImage}). Only this package, {@code transfer}
 * (until its split) and the catalog's embedded store touch {@code org.sqlite} or {@code java.sql}.
 */
package dev.opend1.engine;
