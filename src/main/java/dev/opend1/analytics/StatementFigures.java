package dev.opend1.analytics;

/**
 * One statement's figures, as its result's {@code meta} reported them.
 *
 * @param durationMs time SQLite spent on it
 * @param rowsRead rows it read
 * @param rowsWritten rows it wrote
 * @param rowsReturned rows it returned to the client
 * @param sizeAfter the database's size after it, in bytes
 */
public record StatementFigures(
    double durationMs, long rowsRead, long rowsWritten, long rowsReturned, long sizeAfter) {}
