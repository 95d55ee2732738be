package dev.opend1.engine;

import java.sql.SQLException;

/**
 * SQLite failed a statement of an import. The message is D1's wording ({@code <message>:
 * SQLITE_<CODE>}); SQLite's error is the cause, so a full disk can still be told apart.
 */
public final class StatementFailed extends Exception {

  private final boolean timedOut;
  private final long number;

  StatementFailed(SQLException e, long number) {
    this(e, number, SqlErrors.isInterrupt(e));
  }

  StatementFailed(SQLException e, long number, boolean timedOut) {
    super(SqlErrors.describe(e), e);
    this.timedOut = timedOut;
    this.number = number;
  }

  /** The failed statement's number in the import, as its caller numbered it. */
  public long number() {
    return number;
  }

  /** True when the import's time limit interrupted the statement. */
  public boolean timedOut() {
    return timedOut;
  }
}
