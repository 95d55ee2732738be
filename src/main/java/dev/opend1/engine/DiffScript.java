package dev.opend1.engine;

import dev.opend1.engine.StateDiff.Literals;
import dev.opend1.engine.StateDiff.RowChange;
import dev.opend1.engine.StateDiff.SchemaObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL script that turns a diff's older state into its newer ({@code
 * time_travel/diff?format=sql}), written in an order that keeps every step valid:
 *
 * <ol>
 *   <li>every trigger of the older state is dropped, so none fires on the script's own writes;
 *   <li>views and indexes dropped or altered are dropped;
 *   <li>tables dropped, altered or virtual are dropped; tables created, altered or virtual are
 *       rebuilt: created with the newer SQL, then every newer row inserted (an altered table is
 *       rebuilt rather than altered: its rows need no mapping from the old columns to the new);
 *   <li>the row changes of every other table: DELETE and UPDATE by key, then INSERT;
 *   <li>indexes created or altered, and every index of a rebuilt table, then views created or
 *       altered, then every trigger of the newer state;
 *   <li>{@code sqlite_sequence} set to the newer state's.
 * </ol>
 *
 * The last line is {@code -- end of diff}: a script without it was cut short. Values are literals
 * written as the export writes them ({@link SnapshotSource#literal}, {@link DumpLiterals}). Rows
 * are read a page at a time, so memory holds one page.
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
    Set<String> rebuilt = new TreeSet<>();
    for (SchemaObject o : to) {
      if (o.type().equals("table") && (changed(o, diff.from()) || StateDiff.virtual(o))) {
        rebuilt.add(o.name());
        line(o.sql() + ";");
        rebuild(o.name());
      }
    }
    List<String> tables = diff.comparedTables();
    DiffPosition at = DiffPosition.START;
    while (at != null) {
      at = diff.scan(tables, at, PAGE, true, this::change);
    }
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
      got = diff.scanPhase(shape, 2, after, PAGE, true, this::change);
      after = got == 0 ? null : diff.lastKey();
    } while (got == PAGE);
  }

  private void change(RowChange row, Literals lit) throws IOException {
    String table = TableShape.id(row.table());
    switch (row.kind()) {
      case "deleted" -> {
        text("DELETE FROM " + table + " WHERE ");
        where(lit);
      }
      case "updated" -> {
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
