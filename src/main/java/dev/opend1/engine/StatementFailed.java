package dev.opend1.engine;

import java.sql.SQLException;

/**
 * SQLite failed a statement of an import. The message is D1's wording ({@code <message>:
 * SQLITE_<CODE>}); SQLite's error is the cause, so a full disk can still be told apart.
 */
public final class StatementFailed extends Exception {

  private final boolean timedOut;

  StatementFailed(SQLException e) {
    super(SqlErrors.describe(e), e);
    this.timedOut = SqlErrors.isInterrupt(e);
  }

  /** True when the import's time limit interrupted the statement. */
  public boolean timedOut() {
    return timedOut;
  }
}
