package dev.opend1.sql;

/** What a statement does, judged by its leading keywords. */
public enum StatementKind {
  /** SELECT, VALUES, and WITH ... SELECT. */
  SELECT,
  /** INSERT, REPLACE, UPDATE, DELETE, and WITH ... INSERT/UPDATE/DELETE/REPLACE. */
  WRITE,
  /** CREATE, DROP, ALTER. */
  DDL,
  PRAGMA,
  /** EXPLAIN and EXPLAIN QUERY PLAN of anything. */
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
