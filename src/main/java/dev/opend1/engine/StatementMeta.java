package dev.opend1.engine;

/**
 * The figures D1 reports in each result's {@code meta}.
 *
 * @param durationMs time SQLite spent on the statement, in milliseconds
 * @param changes rows changed by an INSERT, UPDATE or DELETE ({@code sqlite3_changes})
 * @param lastRowId {@code last_insert_rowid()} of the writer after the statement (sticky, as in D1)
 * @param changedDb whether the statement changed the database (rows or schema)
 * @param sizeAfter bytes after the statement: page count times page size
 * @param rowsRead rows read, an estimate (see {@link ReadShape})
 * @param rowsWritten rows written including index entries, an estimate (see {@link RowCounter})
 */
public record StatementMeta(
    double durationMs,
    long changes,
    long lastRowId,
    boolean changedDb,
    long sizeAfter,
    long rowsRead,
    long rowsWritten) {}
