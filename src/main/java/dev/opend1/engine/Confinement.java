package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.core.SqlCompat;
import dev.opend1.sql.SqlRules;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Holds a user statement to the sandbox and to the SQL dialect ({@link SqlCompat}) by what SQLite
 * compiled it into ({@link ProgramReach}), just before it is prepared to run, on the connection and
 * in the transaction it will run in. This is where the rules are decided; the text checks of {@code
 * QueryPlan} only give friendlier errors earlier.
 *
 * <p>What it refuses, with the source of each rule in {@link SqlRules}: calls of functions outside
 * the dialect's allow-list (wherever they sit: a view, a trigger, a DEFAULT, a CHECK), any use of a
 * TEMP tables and indexes (D1 only; TEMP views and triggers are refused by their text, and whatever
 * TEMP holds is dropped after any request that used it), any access to D1's reserved {@code _cf_}
 * tables, and writes to a virtual table's shadow tables (what SQLite's defensive mode refuses).
 * PRAGMA and transaction statements are top-level only and never compiled into another statement,
 * so their text rules are the whole rule.
 */
final class Confinement {

  private Confinement() {}

  /**
   * Refuses {@code s} by its tokens alone ({@link SqlRules#refusal}), with D1's text: for a request
   * before any of its statements runs, for an import statement before it is compiled.
   */
  static void refuseByText(SqlStatement s, SqlCompat compat) {
    String refusal = SqlRules.refusal(s, compat);
    if (refusal != null) {
      throw refused(refusal);
    }
  }

  /**
   * Refuses {@code s} with D1's SQLITE_AUTH error when its program reaches past what {@code compat}
   * allows; marks the connection when it uses TEMP objects that must be dropped after the request.
   * Returns what else the listing told ({@link StatementShape#UNLISTED} for a statement not
   * listed).
   *
   * @throws SQLException when the statement does not compile (SQLite's own error, as running it
   *     would give)
   */
  static StatementShape check(SqlConnection c, SqlStatement s, SqlCompat compat)
      throws SQLException {
    if (s.kind() == StatementKind.PRAGMA
        || s.kind() == StatementKind.TRANSACTION
        || s.kind() == StatementKind.ANALYZE) {
      // ANALYZE reads every table, _cf_KV too, and writes only SQLite's statistics; D1 allows it
      // always (PRAGMA optimize runs it), and it returns nothing.
      return StatementShape.UNLISTED;
    }
    ProgramReach reach = listing(c, s.program());
    Set<String> callable = userCallable(c.jdbc());
    for (String f : reach.functions()) {
      String why = callable.contains(f) ? SqlRules.functionRefusal(f, compat) : null;
      if (why != null) {
        throw refused(why);
      }
    }
    if (reach.createsInOtherSchema() && compat == SqlCompat.D1) {
      throw refused(SqlRules.TEMP_REFUSAL);
    }
    if (reach.otherSchema()) {
      // Whatever the dialect, nothing of TEMP outlives the request: it is looked for and dropped.
      c.tempObjectsUsed();
    }
    StatementShape shape = new StatementShape(reach.reads(), reach.changesOnlyIn());
    if (reach.readRoots().isEmpty() && reach.changedRoots().isEmpty()) {
      return shape;
    }
    MainSchema schema = c.mainSchema();
    for (long root : reach.changedRoots()) {
      String table = schema.table(root);
      if (table != null && SqlRules.isReserved(table)) {
        throw refused(SqlRules.reservedChangeRefusal());
      }
      if (schema.isShadow(table)) {
        throw refused(SqlRules.shadowTableRefusal(table, reach.droppedRoots().contains(root)));
      }
    }
    for (long root : reach.readRoots()) {
      String table = schema.table(root);
      if (table != null && SqlRules.isReserved(table)) {
        throw refused(SqlRules.reservedReadRefusal(table, firstColumn(c.jdbc(), table)));
      }
    }
    return shape;
  }

  /**
   * The statement's program, compiled with SQLite's SQL-length limit raised by the {@code EXPLAIN }
   * prefix's length, so a statement of exactly the limit is checked and then runs (one past it is
   * still refused, by SQLite, when it is prepared to run).
   */
  private static ProgramReach listing(SqlConnection c, String program) throws SQLException {
    int limit = c.maxStatementBytes();
    c.setMaxStatementBytes(limit + ProgramReach.EXPLAIN.length());
    try {
      return ProgramReach.of(c.jdbc(), program);
    } finally {
      c.setMaxStatementBytes(limit);
    }
  }

  private static D1Exception refused(String message) {
    return new D1Exception.SqlFailed(message);
  }

  /** The first column of {@code table}, which SQLite's "access to T.C is prohibited" names. */
  private static String firstColumn(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "";
      }
    }
  }

  /**
   * The functions a user can call by name: what {@code pragma_function_list} lists (built-in and
   * extension functions). SQLite's internal functions, which DDL compiles calls to but no user can
   * name, are not in it. The same library serves every connection, so it is read once.
   */
  private static Set<String> userCallable(Connection c) throws SQLException {
    Set<String> names = callable;
    if (names == null) {
      Set<String> read = new HashSet<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT DISTINCT name FROM pragma_function_list")) {
        while (rs.next()) {
          read.add(rs.getString(1).toLowerCase(Locale.ROOT));
        }
      }
      names = Set.copyOf(read);
      callable = names;
    }
    return names;
  }

  /** See {@link #userCallable}; written once, racing writers compute the same set. */
  private static volatile Set<String> callable;
}
