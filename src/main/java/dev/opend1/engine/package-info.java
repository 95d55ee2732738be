/**
 * The engine: owns every database's files and, through them, SQLite's lifecycle. Only this package,
 * {@code history}, {@code transfer} and the catalog's embedded store touch {@code org.sqlite}.
 */
package dev.opend1.engine;
