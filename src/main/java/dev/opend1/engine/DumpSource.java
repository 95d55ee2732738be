package dev.opend1.engine;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * A database as an export reads it: the schema and rows of one consistent snapshot (a read
 * transaction), lent to an export's work by {@link Engine#snapshotRead}. It only reads, and only
 * what a dump needs; nothing of JDBC comes out of it. A failing read throws the engine's error for
 * it: {@link InterruptedByRestore} when a restore interrupted it, a {@code D1Exception} otherwise.
 */
public interface DumpSource {

  /**
   * One object of the main schema, as {@code sqlite_schema} holds it.
   *
   * @param type {@code table}, {@code index}, {@code view} or {@code trigger}
   * @param table the table it belongs to ({@code tbl_name}; its own name for a table)
   * @param sql its {@code CREATE} text as stored; null for indexes SQLite makes itself
   */
  record SchemaObject(String type, String name, String table, String sql) {}

  /** One row of {@code sqlite_sequence}: the last AUTOINCREMENT value of a table. */
  record Sequence(String table, long value) {}

  /** Receives a table's rows one at a time. */
  @FunctionalInterface
  interface RowVisitor {
    /**
     * One row, as the values of its INSERT: each value a SQL literal that reads back as the same
     * value, separated by commas, in UTF-8. The literals are {@code NULL}, integers, REALs with
     * enough digits to read back exactly (infinities as {@code 9.0e+999}), BLOBs as {@code X'..'},
     * and text quoted with {@code ''} for a quote, or as {@code CAST(X'..' AS TEXT)} when it holds
     * a control character or NUL (which a line-oriented reader could break on or cut at).
     *
     * @param literals valid UTF-8 (text that was not is read with U+FFFD for its bad bytes)
     * @throws IOException to stop reading (the export could not write, or was cancelled)
     */
    void row(byte[] literals) throws IOException;
  }

  /** The main schema's objects in the order SQLite stored them ({@code sqlite_schema}'s rowid). */
  List<SchemaObject> schemaObjects();

  /** The shadow tables of the main schema's virtual tables (FTS5's {@code f_content}, ...). */
  Set<String> shadowTables();

  /**
   * The columns an INSERT into {@code table} sets, in order: every column that is not hidden
   * (generated columns and a virtual table's hidden columns are left out).
   */
  List<String> insertableColumns(String table);

  /**
   * Reads every row of {@code table}: the values of {@code columns}, after the row's rowid when
   * {@code withRowid}, as the literals of its INSERT.
   */
  void rows(String table, boolean withRowid, List<String> columns, RowVisitor visitor)
      throws IOException;

  /** The rows of {@code sqlite_sequence}; call only when the schema has that table. */
  List<Sequence> sequences();
}
