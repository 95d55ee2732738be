package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.core.SqlCompat;
import dev.opend1.sql.DumpStatement;
import dev.opend1.sql.LiteralRows;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementKind;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The writer's connection as an import sees it: statements in file order, each held to the same
 * rules as a {@code /query} statement ({@link Confinement#refuseByText}, then {@link
 * Confinement#check}) before it runs. Nothing else reaches the connection: not sqlite-jdbc's own
 * {@code backup to}/{@code restore from} commands (which its {@code Statement.execute} would run),
 * not a statement that was not checked.
 *
 * <p>A dump is mostly INSERTs. Checked ones wait in a run (up to {@link #RUN_STATEMENTS}), and the
 * run goes to SQLite in one native call ({@code sqlite3_exec}), instead of one JDBC prepare,
 * execute and finalize each. Only a write whose text holds no {@code ;} joins a run: SQLite ends a
 * statement only at a {@code ;}, so the joined text is exactly the checked statements, one after
 * the other. A write's check does not depend on the writes before it, so checking it before they
 * ran is the same check; anything else (DDL, PRAGMA) runs the run first, then runs alone. When a
 * run fails, it is rolled back to the savepoint taken before it and its statements run again one at
 * a time, so the failure reported is the failing statement's own, with its number.
 *
 * <p>Checking a statement compiles it and reads its listing, which costs more than running it. A
 * dump's INSERTs mostly share a few shapes ({@link LiteralRows}: the same text up to {@code
 * VALUES}, literals after it), and SQLite's program for one of a shape reaches what every other's
 * does, so {@link Confinement#check} runs once per shape; every statement still gets the text
 * rules. The shape comes with the statement, read from the same pass over the dump's text. The
 * shapes seen are forgotten whenever a statement runs alone (DDL, PRAGMA), since a new trigger,
 * index or setting changes what a program reaches.
 *
 * <p>An import runs with SQLite's update hook off: it reports the rows it changed from SQLite's
 * {@code total_changes} ({@link Imported#changes}), not a {@code rows_written} per statement, so
 * the hook's call into Java for every row ({@link RowCounter}) would count rows nobody reads. A
 * request's statement turns it back on before it runs ({@link SqlConnection#countRowsWritten}).
 */
public final class ImportStatements {

  /** Statements per run: large enough that the call's cost vanishes, small enough to redo. */
  static final int RUN_STATEMENTS = 256;

  /** Shapes remembered at most: a dump has one or a few per table. */
  static final int MAX_SHAPES = 1024;

  private final SqlConnection c;

  /** The run waiting to be sent: checked statements and their numbers in the file. */
  private final List<SqlStatement> run = new ArrayList<>();

  private final List<Long> numbers = new ArrayList<>();

  /**
   * The shapes of the statements that passed {@link Confinement#check} since the schema changed.
   */
  private final Set<String> checkedShapes = new HashSet<>();

  ImportStatements(SqlConnection c) {
    this.c = c;
    c.countRowsWritten(false);
  }

  /**
   * Takes statement {@code number} of the import: checks it, and runs it now or in a run (its rows,
   * if any, discarded). Returns false when the statement was skipped: a transaction line in SQLite
   * mode (the import is one transaction already). In D1 mode a transaction line is refused, as D1's
   * import refuses it. Every statement before it that failed is reported first.
   *
   * @throws D1Exception.SqlFailed when the rules refuse the statement, with D1's text
   * @throws StatementFailed when SQLite fails it or one of the run before it
   */
  public boolean run(DumpStatement d, long number) throws StatementFailed {
    SqlStatement s = d.statement();
    if (s.kind() == StatementKind.TRANSACTION && c.compat() == SqlCompat.SQLITE) {
      return false;
    }
    boolean joins = s.kind() == StatementKind.WRITE && s.text().indexOf(';') < 0;
    if (!joins) {
      finish();
    }
    try {
      Confinement.refuseByText(s, c.compat());
      String shape = joins ? d.shape() : null;
      if (shape == null || !checkedShapes.contains(shape)) {
        Confinement.check(c, s, c.compat());
        if (shape != null && checkedShapes.size() < MAX_SHAPES) {
          checkedShapes.add(shape);
        }
      }
    } catch (SQLException e) {
      finish();
      throw new StatementFailed(e, number);
    } catch (RuntimeException e) {
      finish();
      throw e;
    }
    if (!joins) {
      checkedShapes.clear();
      runAlone(s, number);
      return true;
    }
    run.add(s);
    numbers.add(number);
    if (run.size() >= RUN_STATEMENTS) {
      finish();
    }
    return true;
  }

  /**
   * Runs the statements still waiting in a run; call once after the last statement.
   *
   * @throws StatementFailed when SQLite fails one of them
   */
  public void finish() throws StatementFailed {
    if (run.isEmpty()) {
      return;
    }
    List<SqlStatement> statements = List.copyOf(run);
    List<Long> numbered = List.copyOf(numbers);
    run.clear();
    numbers.clear();
    int length = 0;
    for (SqlStatement s : statements) {
      length += s.text().length() + 2;
    }
    StringBuilder text = new StringBuilder(length);
    for (SqlStatement s : statements) {
      text.append(s.text()).append(";\n");
    }
    try {
      c.exec("SAVEPOINT import_run");
      try {
        execRun(text.toString());
        c.exec("RELEASE import_run");
        return;
      } catch (SQLException e) {
        if (c.pastDeadline()) {
          // The time limit interrupted the run, and SQLite rolled back the whole transaction.
          throw new StatementFailed(e, numbered.getFirst(), true);
        }
        // sqlite3_exec stopped at the failing statement, with a bare message: find which, and
        // its own error, by running them one at a time from where the run began.
        if (!rolledBackToRun()) {
          // SQLite ended the whole transaction (a full disk, an I/O error): the import has failed
          // already. A new transaction, which the caller rolls back, lets the statements run
          // again to tell which failed and how.
          c.exec("BEGIN IMMEDIATE");
        }
        for (int i = 0; i < statements.size(); i++) {
          runAlone(statements.get(i), numbered.get(i));
        }
        throw new StatementFailed(e, numbered.getLast());
      }
    } catch (SQLException e) {
      throw new StatementFailed(e, numbered.getFirst());
    }
  }

  /**
   * Runs a run's joined text. SQLite prepares each of its statements from the rest of the text, and
   * then counts the statement's closing {@code ;} against its SQL-length limit, which a statement
   * prepared alone does not have: a statement of exactly the limit, which {@link #runAlone} and
   * {@code /query} accept, would fail in a run (and, as it then passes alone, fail the import with
   * no statement to blame). The limit is raised by that one byte for the call, so a run accepts
   * exactly what its statements alone would.
   */
  private void execRun(String text) throws SQLException {
    int limit = c.maxStatementBytes();
    c.setMaxStatementBytes(limit + 1);
    try {
      c.execAll(text);
    } finally {
      c.setMaxStatementBytes(limit);
    }
  }

  /** Rolls back to the savepoint before the run; false when SQLite ended the transaction. */
  private boolean rolledBackToRun() {
    try {
      c.exec("ROLLBACK TO import_run");
      c.exec("RELEASE import_run");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Runs one checked statement through SQLite's statement API. */
  private void runAlone(SqlStatement s, long number) throws StatementFailed {
    try (PreparedStatement ps = c.jdbc().prepareStatement(s.text())) {
      ps.execute();
    } catch (SQLException e) {
      throw new StatementFailed(e, number);
    }
  }
}
