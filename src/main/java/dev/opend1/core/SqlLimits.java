package dev.opend1.core;

import java.time.Duration;

/**
 * The limits on user SQL, enforced by the engine and set by the configuration; D1's values are the
 * defaults.
 *
 * @param maxStatementBytes SQL text of one statement ({@code SQLITE_LIMIT_SQL_LENGTH}; D1: 100,000)
 * @param maxBoundParameters bound parameters per statement ({@code SQLITE_LIMIT_VARIABLE_NUMBER};
 *     D1: 100)
 * @param maxValueBytes a string, BLOB or row ({@code SQLITE_LIMIT_LENGTH}; D1: 2,000,000)
 * @param maxColumns columns of a table or result ({@code SQLITE_LIMIT_COLUMN}; D1: 100)
 * @param maxFunctionArgs arguments of a SQL function ({@code SQLITE_LIMIT_FUNCTION_ARG}; D1: 32)
 * @param maxLikePatternBytes a LIKE or GLOB pattern ({@code SQLITE_LIMIT_LIKE_PATTERN_LENGTH}; D1:
 *     50)
 * @param requestTimeout one request, all its statements together (D1: 30 s)
 * @param maxDatabaseBytes one database file ({@code max_page_count}; D1: 10 GB)
 * @param maxQueuedWrites write requests waiting for one database's writer before 429
 * @param compat the SQL dialect statements are held to (D1's, or SQLite's within the sandbox)
 */
public record SqlLimits(
    int maxStatementBytes,
    int maxBoundParameters,
    int maxValueBytes,
    int maxColumns,
    int maxFunctionArgs,
    int maxLikePatternBytes,
    Duration requestTimeout,
    long maxDatabaseBytes,
    int maxQueuedWrites,
    SqlCompat compat) {

  /** The same limits in another SQL dialect. */
  public SqlLimits withCompat(SqlCompat mode) {
    return new SqlLimits(
        maxStatementBytes,
        maxBoundParameters,
        maxValueBytes,
        maxColumns,
        maxFunctionArgs,
        maxLikePatternBytes,
        requestTimeout,
        maxDatabaseBytes,
        maxQueuedWrites,
        mode);
  }

  /** The least {@link #writeWait}: what a database's opening may take under a small time limit. */
  public static final Duration MIN_WRITE_WAIT = Duration.ofSeconds(5);

  /**
   * How long a write request may wait for its database's writer before it is refused, not started
   * ({@link D1Exception.QueuedTooLong}): the request's time limit, as it may then run that long,
   * but at least {@link #MIN_WRITE_WAIT}, so the writes that wait for a database to open are not
   * refused under a small limit. A write answered later is one its client may have given up on and
   * sent again.
   */
  public Duration writeWait() {
    return requestTimeout.compareTo(MIN_WRITE_WAIT) < 0 ? MIN_WRITE_WAIT : requestTimeout;
  }

  /** D1's limits. */
  public static SqlLimits d1() {
    return new SqlLimits(
        100_000,
        100,
        2_000_000,
        100,
        32,
        50,
        Duration.ofSeconds(30),
        10_000_000_000L,
        1000,
        SqlCompat.D1);
  }
}
