package dev.opend1.api;

/**
 * What one {@code /query} or {@code /raw} body may hold, checked while it is read: past these, no
 * request can succeed, so reading stops there and the memory a body costs stays in proportion to
 * what could run.
 *
 * @param maxStatements statements per request, a batch item counting as at least one ({@code
 *     max-statements-per-request})
 * @param maxStatementChars the longest statement, in characters: SQLite refuses a statement of more
 *     bytes ({@code max-statement-bytes}), and a character is at least one byte
 * @param maxParams values in one {@code params} array: they bind one statement, which takes at most
 *     this many ({@code max-bound-parameters})
 */
record QueryBounds(int maxStatements, int maxStatementChars, int maxParams) {

  /** The server's configured bounds. */
  static QueryBounds of(dev.opend1.config.ServerConfig config) {
    return new QueryBounds(
        config.maxStatementsPerRequest(),
        config.sql().maxStatementBytes(),
        config.sql().maxBoundParameters());
  }
}
