package dev.opend1.engine;

import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteUpdateListener;

/**
 * Counts rows written by the running statement, per table, through SQLite's update hook (which
 * sqlite-jdbc exposes; {@code sqlite3_stmt_status}, which D1's patched SQLite uses, it does not).
 *
 * <p>The method, documented for users as an estimate: {@code rows_written} is the rows the update
 * hook reports (each row inserted, updated or deleted, triggers included) times one plus the number
 * of indexes on its table, since each row change also writes every index entry. The hook does not
 * fire for {@code WITHOUT ROWID} tables, whose writes count through {@code changes} instead. {@code
 * rows_read} is estimated from the statement's program instead ({@link ReadShape}).
 */
final class RowCounter implements SQLiteUpdateListener {

  /** Rows changed per table by the current statement; reset before each. Engine thread only. */
  private final Map<String, Long> byTable = new HashMap<>();

  @Override
  public void onUpdate(Type type, String database, String table, long rowId) {
    byTable.merge(table, 1L, Long::sum);
  }

  void reset() {
    byTable.clear();
  }

  Map<String, Long> byTable() {
    return byTable;
  }
}
