package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.core.SqlCompat;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementKind;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The writer's connection as an import sees it: one statement at a time, each held to the same
 * rules as a {@code /query} statement ({@link Confinement#refuseByText}, then {@link
 * Confinement#check}) and run through SQLite's statement API only. Nothing else reaches the
 * connection: not sqlite-jdbc's own {@code backup to}/{@code restore from} commands (which its
 * {@code Statement.execute} would run), not a second statement after the first.
 */
public final class ImportStatements {

  private final SqlConnection c;

  ImportStatements(SqlConnection c) {
    this.c = c;
  }

  /**
   * Runs one statement of the import, its rows (if any) discarded. Returns false when the statement
   * was skipped: a transaction line in SQLite mode (the import is one transaction already). In D1
   * mode a transaction line is refused, as D1's import refuses it.
   *
   * @throws D1Exception.SqlFailed when the rules refuse the statement, with D1's text
   * @throws StatementFailed when SQLite fails it
   */
  public boolean run(SqlStatement s) throws StatementFailed {
    if (s.kind() == StatementKind.TRANSACTION && c.compat() == SqlCompat.SQLITE) {
      return false;
    }
    Confinement.refuseByText(s, c.compat());
    try {
      Confinement.check(c, s, c.compat());
      try (PreparedStatement ps = c.jdbc().prepareStatement(s.text())) {
        ps.execute();
      }
    } catch (SQLException e) {
      throw new StatementFailed(e);
    }
    return true;
  }
}
