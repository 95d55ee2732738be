package dev.opend1.engine;

/**
 * What an import's transaction did, measured on the writer just before its commit.
 *
 * @param result what the import's work returned
 * @param changes rows the import changed (SQLite's {@code total_changes} over the transaction)
 * @param sizeBytes the database's size with the import applied
 */
public record Imported<T>(T result, long changes, long sizeBytes) {}
