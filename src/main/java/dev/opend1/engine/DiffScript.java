package dev.opend1.engine;

import dev.opend1.engine.StateDiff.Literals;
import dev.opend1.engine.StateDiff.RowChange;
import dev.opend1.engine.StateDiff.SchemaObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The SQL script that turns a diff's older state into its newer ({@code
 * time_travel/diff?format=sql}), written in an order that keeps every step valid:
 *
 * <ol>
 *   <li>{@code PRAGMA defer_foreign_keys = ON}: an import is one transaction, so foreign keys are
 *       checked once, at its end, and rows may be written before the rows they reference;
 *   <li>every trigger of the older state is dropped, so none fires on the script's own writes;
 *   <li>views and indexes dropped or altered are dropped;
 *   <li>tables dropped, altered or virtual are dropped; tables created, altered or virtual are
 *       rebuilt: all created with the newer SQL, then every newer row of each inserted (an altered
 *       table is rebuilt rather than altered: its rows need no mapping from the old columns to the
 *       new);
 *   <li>the row changes of every other table, in three passes over them all: UPDATEs, then DELETEs,
 *       then INSERTs. Updates come first so that a row moved to another parent no longer references
 *       the old one when a delete of it cascades ({@code ON DELETE CASCADE} or {@code SET NULL} act
 *       at once; deferring foreign keys defers only their checks). In a table with a UNIQUE
 *       constraint besides its key an updated row is moved instead, deleted in the second pass and
 *       inserted anew in the third, so two rows swapping values never meet halfway; except where a
 *       foreign key references that table with an ON DELETE action, which the delete would set off:
 *       there the update stays, and a swap fails at import as a UNIQUE constraint error, nothing
 *       applied;
 *   <li>indexes created or altered, and every index of a rebuilt table, then views created or
 *       altered, then every trigger of the newer state;
 *   <li>{@code sqlite_sequence} set to the newer state's.
 * </ol>
 *
 * The last line is {@code -- end of diff}: a script without it was cut short. Values are literals
 * written as the export writes them ({@link SnapshotSource#literal}, {@link DumpLiterals}). Rows
 * are read a page at a time, so memory holds one page; each pass reads the tables again.
 */
final class DiffScript {

  /** Rows read per page while writing. */
  private static final int PAGE = 1000;

  private final StateDiff diff;
  private final OutputStream out;

  DiffScript(StateDiff diff, OutputStream out) {
    this.diff = diff;
    this.out = new BufferedOutputStream(out, 1 << 16);
  }

  void write() throws IOException, SQLException {
    line("-- opend1 time_travel/diff: turns the older state into the newer");
    line("PRAGMA defer_foreign_keys = ON;");
    List<SchemaObject> from = List.copyOf(diff.from().values());
    List<SchemaObject> to = List.copyOf(diff.to().values());
    for (SchemaObject o : from) {
      if (o.type().equals("trigger")) {
        line("DROP TRIGGER IF EXISTS " + TableShape.id(o.name()) + ";");
      }
    }
    for (SchemaObject o : from) {
      if ((o.type().equals("view") || o.type().equals("index")) && changed(o, diff.to())) {
        line("DROP " + o.type().toUpperCase() + " IF EXISTS " + TableShape.id(o.name()) + ";");
      }
    }
    for (SchemaObject o : from) {
      if (o.type().equals("table") && (changed(o, diff.to()) || StateDiff.virtual(o))) {
        line("DROP TABLE IF EXISTS " + TableShape.id(o.name()) + ";");
      }
    }
    // Every table first, then rows: a row's foreign key needs its parent table to exist.
    Set<String> rebuilt = new TreeSet<>();
    for (SchemaObject o : to) {
      if (o.type().equals("table") && (changed(o, diff.from()) || StateDiff.virtual(o))) {
        rebuilt.add(o.name());
        line(o.sql() + ";");
      }
    }
    for (String table : rebuilt) {
      rebuild(table);
    }
    List<String> tables = diff.comparedTables();
    Set<String> moving = moving(tables);
    rows(tables, row -> inPlace(row, moving), "UPDATE");
    rows(tables, row -> !row.kind().equals("inserted") && !inPlace(row, moving), "DELETE");
    rows(tables, row -> !row.kind().equals("deleted") && !inPlace(row, moving), "INSERT");
    for (SchemaObject o : to) {
      if (o.type().equals("index")
          && o.sql() != null
          && (changed(o, diff.from()) || rebuilt.contains(o.table()))) {
        line(o.sql() + ";");
      }
    }
    for (SchemaObject o : to) {
      if (o.type().equals("view") && changed(o, diff.from())) {
        line(o.sql() + ";");
      }
    }
    for (SchemaObject o : to) {
      if (o.type().equals("trigger")) {
        line(o.sql() + ";");
      }
    }
    sequences();
    line("-- end of diff");
    out.flush();
  }

  /** Created, dropped or altered: absent from {@code other} or there with other SQL. */
  private static boolean changed(SchemaObject o, java.util.Map<String, SchemaObject> other) {
    SchemaObject t = other.get(o.type() + " " + o.name());
    return t == null || !StateDiff.same(o, t);
  }

  /** Every row of a rebuilt table, inserted. */
  private void rebuild(String table) throws IOException, SQLException {
    TableShape shape = TableShape.of(diff.connection(), table, "b");
    List<Object> after = null;
    int got;
    do {
      got = diff.scanPhase(shape, 2, after, PAGE, true, (row, lit) -> change(table, "INSERT", lit));
      after = got == 0 ? null : diff.lastKey();
    } while (got == PAGE);
  }

  /** One pass over every compared table's changed rows, writing those {@code filter} takes. */
  private void rows(List<String> tables, Predicate<RowChange> filter, String verb)
      throws IOException, SQLException {
    DiffPosition at = DiffPosition.START;
    while (at != null) {
      at =
          diff.scan(
              tables,
              at,
              PAGE,
              true,
              (row, lit) -> {
                if (filter.test(row)) {
                  change(row.table(), verb, lit);
                }
              });
    }
  }

  /** An updated row written as an UPDATE (not moved: deleted, then inserted anew). */
  private static boolean inPlace(RowChange row, Set<String> moving) {
    return row.kind().equals("updated") && !moving.contains(row.table());
  }

  /**
   * The tables whose updated rows are deleted and inserted anew rather than updated: those with a
   * UNIQUE constraint besides their key, where updating rows one by one may meet a value another
   * row gives up later in the script (two rows swapping values), unless a foreign key references
   * the table with an ON DELETE action, which a delete would set off.
   */
  private Set<String> moving(List<String> tables) throws SQLException {
    Set<String> out = new TreeSet<>();
    for (String table : tables) {
      if (query(
              "SELECT 1 FROM pragma_index_list(?, 'b') WHERE \"unique\" = 1 AND (origin != 'pk'"
                  + " OR NOT EXISTS (SELECT 1 FROM pragma_table_list WHERE schema = 'b'"
                  + " AND name = ?1 AND wr = 1))",
              table)
          && !query(
              "SELECT 1 FROM b.sqlite_schema AS s, pragma_foreign_key_list(s.name, 'b') AS f"
                  + " WHERE s.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE"
                  + " AND f.on_delete != 'NO ACTION'",
              table)) {
        out.add(table);
      }
    }
    return out;
  }

  /** Whether {@code sql}, with {@code table} bound as {@code ?1}, answers a row. */
  private boolean query(String sql, String table) throws SQLException {
    try (PreparedStatement ps = diff.connection().prepareStatement(sql)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** One row's statement: {@code verb} is UPDATE, DELETE or INSERT. */
  private void change(String name, String verb, Literals lit) throws IOException {
    String table = TableShape.id(name);
    switch (verb) {
      case "DELETE" -> {
        text("DELETE FROM " + table + " WHERE ");
        where(lit);
      }
      case "UPDATE" -> {
        text("UPDATE " + table + " SET ");
        for (int i = 0; i < lit.columns().size(); i++) {
          text((i == 0 ? "" : ", ") + TableShape.id(lit.columns().get(i)) + " = ");
          out.write(lit.after().get(i));
        }
        text(" WHERE ");
        where(lit);
      }
      default -> {
        List<String> names = new ArrayList<>();
        boolean rowid = lit.keyNames().equals(List.of("rowid"));
        if (rowid) {
          names.add("rowid");
        }
        lit.columns().forEach(c -> names.add(TableShape.id(c)));
        text("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES (");
        if (rowid) {
          out.write(lit.key().getFirst());
        }
        for (int i = 0; i < lit.after().size(); i++) {
          text(i == 0 && !rowid ? "" : ", ");
          out.write(lit.after().get(i));
        }
        text(")");
      }
    }
    line(";");
  }

  private void where(Literals lit) throws IOException {
    for (int i = 0; i < lit.keyNames().size(); i++) {
      String k = lit.keyNames().get(i);
      text((i == 0 ? "" : " AND ") + (k.equals("rowid") ? "rowid" : TableShape.id(k)) + " = ");
      out.write(lit.key().get(i));
    }
  }

  /** {@code sqlite_sequence} as the newer state holds it, when it has one. */
  private void sequences() throws IOException, SQLException {
    if (!diff.hasSequences()) {
      return;
    }
    line("DELETE FROM sqlite_sequence;");
    try (Statement st = diff.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT quote(name), seq FROM b.sqlite_sequence")) {
      while (rs.next()) {
        line(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ("
                + rs.getString(1)
                + ", "
                + rs.getLong(2)
                + ");");
      }
    }
  }

  private void text(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  private void line(String s) throws IOException {
    text(s);
    out.write('\n');
  }
}
