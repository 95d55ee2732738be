package dev.opend1.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What SQLite's own compiled program for a statement reaches, read from its {@code EXPLAIN}
 * listing: the SQL functions it calls, the b-trees of the main schema it reads and changes (by root
 * page), and whether it touches any schema but {@code main} (TEMP, since ATTACH is off).
 *
 * <p>Why the program and not the text: SQLite compiles everything a statement can set off into it.
 * Views are inlined; triggers, foreign-key actions, CHECK constraints, DEFAULT values, generated
 * columns and expression indexes are code in the main program or in trigger sub-programs, which
 * {@code EXPLAIN} lists after it. Reading the program is asking SQLite's parser what the statement
 * does, so no spelling (parameter names, comments, quoting, nesting) can hide a call or a table
 * from it. Preparing a statement runs nothing; the listing is read before the statement is.
 *
 * @param functions names (lower case) of the functions the program calls, built-in, extension and
 *     internal alike
 * @param readRoots root pages of main-schema tables and indexes it opens for reading
 * @param changedRoots root pages of main-schema tables and indexes it opens for writing, clears or
 *     drops
 * @param droppedRoots those of them it drops
 * @param otherSchema whether it reads or changes any schema but {@code main} (TEMP: ALTER TABLE ...
 *     RENAME updates TEMP's triggers and views too)
 * @param createsInOtherSchema whether it creates a b-tree or virtual table outside {@code main} (a
 *     TEMP table or index)
 * @param reads how it reads, for {@code rows_read}
 * @param changesOnlyIn the table whose rows SQLite's update hook would report exactly once for each
 *     change {@code sqlite3_changes} counts, and no other; null when the program may report other
 *     rows or count other changes (see {@link ChangeCount})
 */
record ProgramReach(
    Set<String> functions,
    Set<Long> readRoots,
    Set<Long> changedRoots,
    Set<Long> droppedRoots,
    boolean otherSchema,
    boolean createsInOtherSchema,
    ReadShape reads,
    String changesOnlyIn) {

  /** What turns a statement into its listing. */
  static final String EXPLAIN = "EXPLAIN ";

  /** {@code OPFLAG_P2ISREG}: an open whose P2 is a register (a b-tree created by the program). */
  private static final int P2_IS_REGISTER = 0x02;

  /** Compiles {@code sql} (one statement, without a leading EXPLAIN) and reads its listing. */
  static ProgramReach of(Connection c, String sql) throws SQLException {
    Set<String> functions = new HashSet<>();
    Set<Long> read = new HashSet<>();
    Set<Long> changed = new HashSet<>();
    Set<Long> dropped = new HashSet<>();
    boolean other = false;
    boolean creates = false;
    ReadShape.Listing reads = new ReadShape.Listing();
    ChangeCount changes = new ChangeCount();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(EXPLAIN + sql)) {
      while (rs.next()) {
        String op = rs.getString(2);
        long p1 = rs.getLong(3);
        long p2 = rs.getLong(4);
        long p3 = rs.getLong(5);
        int p5 = rs.getInt(7);
        reads.add(rs.getLong(1), op, p1, p2, p3, p5, p3 == 0 && (p5 & P2_IS_REGISTER) == 0);
        changes.add(op, rs.getString(6), p5);
        switch (op) {
          case "Function",
              "PureFunc",
              "AggStep",
              "AggStep1",
              "AggInverse",
              "AggValue",
              "AggFinal" ->
              functions.add(functionName(rs.getString(6)));
          case "OpenRead", "ReopenIdx" -> {
            other |= p3 != 0;
            if (p3 == 0 && (p5 & P2_IS_REGISTER) == 0) {
              read.add(p2);
            }
          }
          case "OpenWrite" -> {
            other |= p3 != 0;
            if (p3 == 0 && (p5 & P2_IS_REGISTER) == 0) {
              changed.add(p2);
            }
          }
          case "Destroy" -> {
            other |= p3 != 0;
            changed.add(p1);
            dropped.add(p1);
          }
          case "Clear" -> {
            other |= p2 != 0;
            changed.add(p1);
          }
          case "CreateBtree", "VCreate" -> {
            other |= p1 != 0;
            creates |= p1 != 0;
          }
          // Every use of a schema starts a transaction on it; the schema-changing opcodes name it
          // in P1 too. Any index but 0 (main) is TEMP here.
          case "Transaction",
              "ReadCookie",
              "SetCookie",
              "ParseSchema",
              "DropTable",
              "DropIndex",
              "DropTrigger",
              "VDestroy",
              "TableLock" ->
              other |= p1 != 0;
          default -> {}
        }
      }
    }
    return new ProgramReach(
        Set.copyOf(functions),
        Set.copyOf(read),
        Set.copyOf(changed),
        Set.copyOf(dropped),
        other,
        creates,
        reads.shape(),
        other ? null : changes.onlyTable());
  }

  /** {@code "fts3_tokenizer(1)"} to {@code "fts3_tokenizer"}: P4 of a call is name(arguments). */
  private static String functionName(String p4) {
    if (p4 == null) {
      return "";
    }
    int paren = p4.lastIndexOf('(');
    return (paren < 0 ? p4 : p4.substring(0, paren)).toLowerCase(Locale.ROOT);
  }
}
