package dev.opend1.sql;

/** What a statement does, judged by its leading keywords. */
public enum StatementKind {
  /** SELECT, VALUES, and WITH ... SELECT. */
  SELECT,
  /**
   * INSERT (with its UPSERT clauses), REPLACE, UPDATE, DELETE, and WITH ... INSERT/UPDATE/DELETE/
   * REPLACE.
   */
  WRITE,
  /** CREATE, DROP, ALTER. */
  DDL,
  /** PRAGMA, also under EXPLAIN (see {@link #EXPLAIN}). */
  PRAGMA,
  /**
   * EXPLAIN and EXPLAIN QUERY PLAN of anything except PRAGMA, transaction control, ATTACH/DETACH
   * and VACUUM, which keep their own kind: SQLite applies some PRAGMAs while it compiles them, so
   * {@code EXPLAIN PRAGMA writable_schema = 1} does set it, and the same refusals must apply.
   */
  EXPLAIN,
  /** BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE. */
  TRANSACTION,
  /** ATTACH, DETACH. */
  ATTACH,
  VACUUM,
  ANALYZE,
  REINDEX,
  /** Anything else, including text SQLite will reject as a syntax error. */
  OTHER
}
