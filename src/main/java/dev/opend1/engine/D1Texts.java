package dev.opend1.engine;

/**
 * D1's own words for the failures opend1 detects itself rather than through SQLite, kept exactly
 * (D1 adds no {@code : SQLITE_<CODE>} suffix to these). Sources are cloudflare/workerd at
 * 6552d999c79ef651b5463c6d692d065a8ce6f859 and cloudflare/workers-sdk at
 * f8308360283f97d33e188aee2e19c1ef9c09524a; docs/d1-differences.md lists them with the rest.
 */
final class D1Texts {

  private D1Texts() {}

  /**
   * A {@code sql} string (or a batch item) with no statement in it. workerd {@code
   * src/workerd/util/sqlite.c++} {@code prepareSql}; seen from the REST API as {@code SQL code did
   * not contain a statement. [code: 7500]}.
   */
  static final String EMPTY_SQL = "SQL code did not contain a statement.";

  /**
   * A request with no query at all ({@code batch: []}). workers-sdk {@code
   * packages/miniflare/src/workers/d1/database.worker.ts} {@code #txn}.
   */
  static final String NO_STATEMENTS = "No SQL statements detected.";

  /** Parameters that do not match the statement's. workerd {@code Query::checkRequirements}. */
  static final String WRONG_PARAMETER_COUNT = "Wrong number of parameter bindings for SQL query.";

  /**
   * A statement with parameters before the last one of a several-statement string. workerd {@code
   * prepareSql}, MULTI.
   */
  static final String PRELUDE_PARAMETERS =
      "When executing multiple SQL statements in a single call, only the last statement can have"
          + " parameters.";

  /**
   * A request that ran past its time limit. D1's wording for a request its runtime stopped, from
   * the error list on https://developers.cloudflare.com/d1/observability/debug-d1/ (seen in
   * production as {@code D1_ERROR: D1 DB exceeded its CPU time limit and was reset.}).
   */
  static final String TIME_LIMIT = "D1 DB exceeded its CPU time limit and was reset.";
}
