package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import dev.opend1.engine.DumpSource;
import dev.opend1.engine.DumpSource.SchemaObject;
import dev.opend1.engine.DumpSource.Sequence;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Writes a database as SQL in D1's export format, readable by the {@code sqlite3} shell (3.40):
 * {@code PRAGMA defer_foreign_keys=TRUE;}, every table's {@code CREATE} as stored, then their rows
 * as {@code INSERT INTO "t" ("a","b") VALUES(...);} (generated columns left out), {@code
 * sqlite_sequence}, then indexes, views and triggers. Virtual tables (FTS5) are dumped as their
 * {@code CREATE VIRTUAL TABLE} and, by {@link VirtualTables.Kind}, their rows with their rowids
 * (regular FTS5), a {@code 'rebuild'} after every table's rows (external content), nothing
 * (fts5vocab), or an error (contentless: nothing to rebuild from); never their shadow tables.
 *
 * <p>Values re-import identically: the source writes each row's literals ({@link
 * DumpSource.RowVisitor#row}), which go to the file as they come; TEXT with control characters or
 * NUL is {@code CAST(X'..' AS TEXT)}, BLOBs {@code X'..'}, REALs as many digits as read back
 * exactly.
 */
final class SqlDump {

  private SqlDump() {}

  /**
   * Dumps the snapshot {@code source} reads to {@code out}.
   *
   * @param cancelled checked between rows: true stops the dump with an IOException
   */
  static long write(
      DumpSource source, DumpOptions options, OutputStream out, BooleanSupplier cancelled)
      throws IOException {
    put(out, "PRAGMA defer_foreign_keys=TRUE;\n");
    Set<String> shadow = source.shadowTables();
    List<SchemaObject> objects = source.schemaObjects();
    // A table asked for by name must exist: otherwise the export would be silently empty.
    for (String wanted : options.tables()) {
      boolean exists = false;
      for (SchemaObject o : objects) {
        exists |= o.type().equals("table") && o.name().equalsIgnoreCase(wanted);
      }
      if (!exists) {
        throw new D1Exception.SqlFailed(
            "D1 Export error: no such table: " + wanted + " (dump_options.tables)");
      }
    }
    // Every table first, then every table's rows: a row may reference a table created later
    // (foreign keys in a cycle), which must exist before the row goes in.
    List<SchemaObject> tables = new ArrayList<>();
    boolean sequence = false;
    for (SchemaObject o : objects) {
      if (!o.type().equals("table") || shadow.contains(o.name()) || !options.includes(o.name())) {
        continue;
      }
      if (o.name().equals("sqlite_sequence")) {
        sequence = true;
      } else if (!o.name().startsWith("sqlite_") && !o.name().startsWith("_cf_")) {
        tables.add(o);
      }
    }
    if (!options.noSchema()) {
      for (SchemaObject o : tables) {
        put(out, o.sql() + ";\n");
      }
    }
    long rows = 0;
    List<String> rebuilds = new ArrayList<>();
    if (!options.noData()) {
      for (SchemaObject o : tables) {
        switch (VirtualTables.kind(o.name(), o.sql(), shadow)) {
          case PLAIN -> rows += rows(source, o.name(), false, out, cancelled);
          case FTS5 -> rows += rows(source, o.name(), true, out, cancelled);
          case FTS5_EXTERNAL_CONTENT -> rebuilds.add(o.name());
          case FTS5_CONTENTLESS ->
              throw new D1Exception.SqlFailed(
                  "D1 Export error: cannot export the contentless FTS5 table "
                      + identifier(o.name())
                      + ": it keeps no copy of its text, so its index cannot be rebuilt from a"
                      + " dump; export with no_data, or without this table");
          case READ_ONLY -> {}
        }
      }
    }
    if (sequence && !options.noData()) {
      boolean first = true;
      for (Sequence seq : source.sequences()) {
        if (!options.includes(seq.table())) {
          continue;
        }
        if (first) {
          put(out, "DELETE FROM sqlite_sequence;\n");
          first = false;
        }
        put(
            out,
            "INSERT INTO \"sqlite_sequence\" VALUES("
                + text(seq.table())
                + ","
                + seq.value()
                + ");\n");
      }
    }
    // An external-content index holds no text of its own: after its content table's rows are
    // back, FTS5 rebuilds it from them (https://sqlite.org/fts5.html#the_rebuild_command).
    for (String table : rebuilds) {
      put(
          out,
          "INSERT INTO " + identifier(table) + "(" + identifier(table) + ") VALUES('rebuild');\n");
    }
    if (!options.noSchema()) {
      for (String type : List.of("index", "view", "trigger")) {
        for (SchemaObject o : objects) {
          if (o.type().equals(type)
              && o.sql() != null
              && options.includes(o.table())
              && !shadow.contains(o.table())) {
            put(out, o.sql() + ";\n");
          }
        }
      }
    }
    out.flush();
    return rows;
  }

  /**
   * Writes a table's rows as INSERTs. {@code withRowid} keeps each row's rowid, which an FTS5
   * table's rows are known by (applications join it to their content), and which its INSERT would
   * otherwise renumber.
   */
  private static long rows(
      DumpSource source,
      String table,
      boolean withRowid,
      OutputStream out,
      BooleanSupplier cancelled)
      throws IOException {
    List<String> columns = source.insertableColumns(table);
    if (columns.isEmpty()) {
      return 0;
    }
    StringBuilder prefix = new StringBuilder("INSERT INTO ").append(identifier(table)).append(" (");
    if (withRowid) {
      prefix.append("rowid,");
    }
    for (int i = 0; i < columns.size(); i++) {
      prefix.append(i == 0 ? "" : ",").append(identifier(columns.get(i)));
    }
    prefix.append(") VALUES(");
    TableRows inserts =
        new TableRows(prefix.toString().getBytes(StandardCharsets.UTF_8), out, cancelled);
    source.rows(table, withRowid, columns, inserts);
    return inserts.written;
  }

  /**
   * Writes each row it is given as an INSERT with a prefix ({@code INSERT INTO "t" (..) VALUES(}):
   * the row's literals, as the source's bytes, between the prefix and {@code );}.
   */
  private static final class TableRows implements DumpSource.RowVisitor {
    private static final byte[] END = ");\n".getBytes(StandardCharsets.US_ASCII);
    private final byte[] prefix;
    private final OutputStream out;
    private final BooleanSupplier cancelled;
    long written;

    TableRows(byte[] prefix, OutputStream out, BooleanSupplier cancelled) {
      this.prefix = prefix;
      this.out = out;
      this.cancelled = cancelled;
    }

    @Override
    public void row(byte[] literals) throws IOException {
      if ((written & 1023) == 0 && cancelled.getAsBoolean()) {
        throw new IOException("the export was cancelled");
      }
      out.write(prefix);
      out.write(literals);
      out.write(END);
      written++;
    }
  }

  /** Writes a piece of the dump's text, in UTF-8. */
  private static void put(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** True when a text has no control characters, so it can be written as a quoted literal. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x20) {
        return false;
      }
    }
    return true;
  }

  /** A string literal; text with control characters is written as hex so it survives exactly. */
  static String text(String s) {
    if (!plain(s)) {
      return "CAST(X'"
          + HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8))
          + "' AS TEXT)";
    }
    return "'" + s.replace("'", "''") + "'";
  }

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
