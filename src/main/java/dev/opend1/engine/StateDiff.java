package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.sqlite.SQLiteConfig;

/**
 * The changes from one state of a database to a later one ({@code time_travel/diff}), read on one
 * read-only connection that opens the older state as {@code main} and attaches the newer as {@code
 * b}: both are past states ({@link PastStates}), so nothing here touches the live file.
 *
 * <p>Schema: every object of {@code sqlite_schema} (but SQLite's and D1's internal ones and the
 * shadow tables of virtual tables) is compared by type, name and SQL. Rows: each ordinary table
 * whose definition is the same in both is compared row by row, keyed by rowid (by the primary key
 * for a WITHOUT ROWID table), in two ordered scans: the older state's rows joined to the newer's
 * (deleted, updated), then the newer's rows that the older lacks (inserted). A page is one such
 * scan from the cursor's key with a LIMIT, so memory holds one page, whatever the tables' size.
 */
public final class StateDiff {

  /** A schema object created, dropped or altered ({@code before}/{@code after} its SQL). */
  public record SchemaChange(
      String type, String name, String table, String change, String before, String after) {}

  /**
   * A row {@code inserted}, {@code updated} or {@code deleted}: its key (rowid, or the primary
   * key's columns), and its values before and after (empty where there is none). Values are Long,
   * Double, String, byte[] or null.
   */
  public record RowChange(
      String table,
      String kind,
      Map<String, Object> key,
      Map<String, Object> before,
      Map<String, Object> after) {}

  /** One page of row changes, and the cursor of the next, if there may be more. */
  public record Page(List<RowChange> rows, Optional<String> next) {}

  /** What runs on the diff's connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(StateDiff diff) throws IOException;
  }

  /** One schema object as {@code sqlite_schema} holds it. */
  record SchemaObject(String type, String name, String table, String sql) {}

  private final Connection c;
  private final Map<String, SchemaObject> from;
  private final Map<String, SchemaObject> to;

  private StateDiff(Connection c) throws SQLException {
    this.c = c;
    this.from = objects("main");
    this.to = objects("b");
  }

  /** Opens {@code older} read-only with {@code newer} attached, and runs {@code work} on them. */
  static <T> T run(Path older, Path newer, Work<T> work) throws IOException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + older, config.toProperties())) {
      try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS b")) {
        ps.setString(1, newer.toString());
        ps.execute();
      }
      c.setAutoCommit(false); // one read transaction: both states as of its start
      return work.run(new StateDiff(c));
    } catch (SQLException e) {
      throw new EngineException("diff " + older + " and " + newer + ": " + e.getMessage(), e);
    }
  }

  /** The schema objects created, dropped or altered, by type and name. */
  public List<SchemaChange> schemaChanges() {
    List<SchemaChange> out = new ArrayList<>();
    for (SchemaObject f : from.values()) {
      SchemaObject t = to.get(f.type() + " " + f.name());
      if (t == null) {
        out.add(new SchemaChange(f.type(), f.name(), f.table(), "dropped", f.sql(), null));
      } else if (!same(f, t)) {
        out.add(new SchemaChange(f.type(), f.name(), t.table(), "altered", f.sql(), t.sql()));
      }
    }
    for (SchemaObject t : to.values()) {
      if (!from.containsKey(t.type() + " " + t.name())) {
        out.add(new SchemaChange(t.type(), t.name(), t.table(), "created", null, t.sql()));
      }
    }
    return out;
  }

  /** Up to {@code limit} row changes from {@code cursor} (a {@link Page#next}) on. */
  public Page rows(Optional<String> cursor, int limit) {
    List<String> tables = comparedTables();
    DiffPosition at =
        cursor.map(text -> DiffPosition.parse(text, tables)).orElse(DiffPosition.START);
    try {
      List<RowChange> out = new ArrayList<>();
      DiffPosition next = scan(tables, at, limit, false, (change, literals) -> out.add(change));
      return new Page(out, Optional.ofNullable(next).map(DiffPosition::toString));
    } catch (SQLException e) {
      throw new D1Exception.SqlFailed("diff: " + e.getMessage());
    }
  }

  /**
   * Writes the SQL that turns the older state into the newer ({@link DiffScript} says in what
   * order), streaming: rows are read a page at a time.
   */
  public void writeSql(OutputStream out) throws IOException {
    try {
      new DiffScript(this, out).write();
    } catch (SQLException e) {
      throw new IOException("diff: " + e.getMessage(), e);
    }
  }

  Map<String, SchemaObject> from() {
    return from;
  }

  Map<String, SchemaObject> to() {
    return to;
  }

  static boolean same(SchemaObject a, SchemaObject b) {
    return a.sql() == null ? b.sql() == null : a.sql().equals(b.sql());
  }

  /** Ordinary tables in both states with the same definition, by name. */
  List<String> comparedTables() {
    List<String> out = new ArrayList<>();
    for (SchemaObject f : from.values()) {
      SchemaObject t = to.get(f.type() + " " + f.name());
      if (f.type().equals("table") && t != null && same(f, t) && !virtual(f)) {
        out.add(f.name());
      }
    }
    out.sort(null);
    return out;
  }

  static boolean virtual(SchemaObject o) {
    return o.sql() != null && o.sql().regionMatches(true, 0, "CREATE VIRTUAL", 0, 14);
  }

  /** Receives each changed row: its values, and with literals, its key and values as SQL text. */
  @FunctionalInterface
  interface RowSink {
    void row(RowChange change, Literals literals) throws IOException;
  }

  /** A row's key and newer values as SQL literals, in the order of {@link #columns}. */
  record Literals(
      List<String> keyNames, List<byte[]> key, List<String> columns, List<byte[]> after) {}

  /**
   * Scans row changes from {@code at}, at most {@code limit}, into {@code sink}; with {@code
   * literals} each row carries its SQL literals too. Returns where the next page starts, or null.
   */
  DiffPosition scan(List<String> tables, DiffPosition at, int limit, boolean literals, RowSink sink)
      throws SQLException {
    int left = limit;
    for (int i = Math.max(0, tables.indexOf(at.table())); i < tables.size(); i++) {
      String table = tables.get(i);
      TableShape shape = TableShape.of(c, table, "main");
      for (int phase = table.equals(at.table()) ? at.phase() : 0; phase < 2; phase++) {
        List<Object> after = table.equals(at.table()) && phase == at.phase() ? at.key() : null;
        int got;
        try {
          got = scanPhase(shape, phase, after, left, literals, sink);
        } catch (IOException e) {
          throw new SQLException(e.getMessage(), e);
        }
        left -= got;
        if (left == 0) {
          return lastPosition;
        }
      }
    }
    return null;
  }

  /** Where the last row a scan handed out sits. */
  private DiffPosition lastPosition;

  /**
   * Phase 0: the older state's rows that the newer lacks or holds otherwise; 1: rows the newer
   * added; 2: every row of the newer (a table made anew).
   */
  int scanPhase(
      TableShape s, int phase, List<Object> after, int limit, boolean literals, RowSink sink)
      throws SQLException, IOException {
    String sql =
        phase == 0
            ? s.changedOrDeleted(after != null, literals)
            : s.inserted(after != null, literals, phase == 1);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int p = 1;
      if (after != null) {
        for (Object k : after) {
          ps.setObject(p++, k);
        }
      }
      ps.setInt(p, limit);
      int n = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
          handOut(s, phase, rs, literals, sink);
        }
      }
      return n;
    }
  }

  private void handOut(TableShape s, int phase, ResultSet rs, boolean literals, RowSink sink)
      throws SQLException, IOException {
    int k = s.keys().size();
    int m = s.columns().size();
    Map<String, Object> key = new LinkedHashMap<>();
    List<Object> keyValues = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Object v = value(rs, 1 + i);
      key.put(s.keys().get(i), v);
      keyValues.add(v);
    }
    lastPosition = new DiffPosition(s.name(), Math.min(phase, 1), keyValues);
    Map<String, Object> before = new LinkedHashMap<>();
    Map<String, Object> newer = new LinkedHashMap<>();
    String kind;
    if (phase == 0) {
      boolean gone = rs.getBoolean(1 + k + 2 * m);
      kind = gone ? "deleted" : "updated";
      for (int i = 0; i < m; i++) {
        before.put(s.columns().get(i), literals ? null : value(rs, 1 + k + i));
        if (!gone) {
          newer.put(s.columns().get(i), literals ? null : value(rs, 1 + k + m + i));
        }
      }
    } else {
      kind = "inserted";
      for (int i = 0; i < m; i++) {
        newer.put(s.columns().get(i), literals ? null : value(rs, 1 + k + m + i));
      }
    }
    Literals lit = null;
    if (literals) {
      int base = 1 + k + 2 * m + 1;
      List<byte[]> keyLit = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        keyLit.add(literal(rs, base + i));
      }
      List<byte[]> afterLit = new ArrayList<>();
      for (int i = 0; i < m && !kind.equals("deleted"); i++) {
        afterLit.add(literal(rs, base + k + i));
      }
      lit = new Literals(s.keys(), keyLit, s.columns(), afterLit);
    }
    sink.row(new RowChange(s.name(), kind, key, before, newer), lit);
  }

  private static byte[] literal(ResultSet rs, int column) throws SQLException {
    byte[] b = rs.getBytes(column);
    return DumpLiterals.finished(b == null ? "NULL".getBytes(StandardCharsets.US_ASCII) : b);
  }

  /** A value as the JSON answer gives it: Long, Double, String, byte[] or null. */
  private static Object value(ResultSet rs, int column) throws SQLException {
    Object v = rs.getObject(column);
    return v instanceof Integer i ? Long.valueOf(i) : v;
  }

  /** Every schema object of {@code schema} a diff compares, by type and name. */
  private Map<String, SchemaObject> objects(String schema) throws SQLException {
    Map<String, SchemaObject> out = new TreeMap<>();
    String sql =
        "SELECT type, name, tbl_name, sql FROM "
            + schema
            + ".sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            + " AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'"
            + " AND name NOT IN (SELECT name FROM pragma_table_list WHERE schema = ?"
            + " AND type = 'shadow')";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          SchemaObject o =
              new SchemaObject(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
          out.put(o.type() + " " + o.name(), o);
        }
      }
    }
    return out;
  }

  Connection connection() {
    return c;
  }

  /** The key of the last row a scan handed out. */
  List<Object> lastKey() {
    return lastPosition.key();
  }

  /** Whether the newer state has {@code sqlite_sequence} (a table with AUTOINCREMENT). */
  boolean hasSequences() throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM b.sqlite_schema WHERE name = 'sqlite_sequence'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }
}
