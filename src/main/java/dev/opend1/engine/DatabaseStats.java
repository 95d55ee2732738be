package dev.opend1.engine;

/**
 * Live figures of one database.
 *
 * @param fileSize bytes: page count times page size
 * @param numTables user tables (not {@code sqlite_*} or D1's reserved {@code _cf_*} tables)
 */
public record DatabaseStats(long fileSize, int numTables) {}
