package dev.opend1.engine;

import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's prepared statements, kept across requests by SQL text: preparing a statement
 * (parsing, planning, reading its column names) costs more than running a point lookup.
 *
 * <p>sqlite-jdbc reads a statement's column names and count when it is prepared. SQLite re-prepares
 * a statement by itself after the schema changes, but those cached names would then be stale, so
 * the cache holds statements for one schema version only: {@link #forSchema} empties it when the
 * version read at the start of a request (in its transaction, before any statement) differs. A
 * statement is taken out while it runs and given back only when it ran cleanly, so a failed one is
 * never reused.
 */
final class StatementCache implements AutoCloseable {

  /** Statements kept per connection: enough for an application's hot set, bounded in memory. */
  static final int CAPACITY = 16;

  /** A prepared statement with what its preparation told: result columns and parameter count. */
  record Entry(PreparedStatement statement, String[] columns, int parameters) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>(CAPACITY * 2, 0.75f, true);

  /** Texts {@link Confinement} found allowed at this schema version and most recently used. */
  static final int CLEARED_CAPACITY = 512;

  /** Each allowed text with what else the same listing told ({@link StatementShape}). */
  private final Map<String, StatementShape> cleared =
      new LinkedHashMap<>(CLEARED_CAPACITY * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StatementShape> eldest) {
          return size() > CLEARED_CAPACITY;
        }
      };

  private long schemaVersion = Long.MIN_VALUE;

  /**
   * Whether the cache holds what was found at schema version {@code version}. The connection's own
   * copy of the schema is then that version's too: it was made current when the cache was filled
   * ({@link #forSchema}), and a reload since would have found a later version.
   */
  boolean isFor(long version) {
    return version == schemaVersion;
  }

  /** Starts a request that reads schema version {@code version}: a new one empties the cache. */
  void forSchema(long version) {
    if (version != schemaVersion) {
      clear();
      schemaVersion = version;
    }
  }

  /**
   * What the listing of {@code sql} told, if it was found allowed at this schema version (see
   * {@link Confinement}); null if it has to be checked.
   */
  StatementShape cleared(String sql) {
    return cleared.get(sql);
  }

  /** Notes that {@code sql} is allowed at this schema version, and what its listing told. */
  void cleared(String sql, StatementShape shape) {
    cleared.put(sql, shape);
  }

  /** Takes the statement for {@code sql} out of the cache, or null. */
  Entry take(String sql) {
    return entries.remove(sql);
  }

  /** Gives a statement that ran cleanly back, closing the least recently used one past capacity. */
  void give(String sql, Entry entry) throws SQLException {
    entry.statement().clearParameters();
    Entry previous = entries.put(sql, entry);
    if (previous != null && previous != entry) {
      previous.statement().close();
    }
    if (entries.size() > CAPACITY) {
      Iterator<Entry> eldest = entries.values().iterator();
      Entry evicted = eldest.next();
      eldest.remove();
      evicted.statement().close();
    }
  }

  /** Prepares {@code sql} on {@code c}, reading its columns and parameter count. */
  static Entry prepare(SqlConnection c, String sql) throws SQLException {
    PreparedStatement ps = c.jdbc().prepareStatement(sql);
    try {
      return new Entry(ps, columnNames(ps), ps.getParameterMetaData().getParameterCount());
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  /**
   * The statement's result columns, known once it is prepared. sqlite-jdbc's metadata throws on a
   * statement without columns instead of answering zero, hence the check.
   */
  private static String[] columnNames(PreparedStatement ps) throws SQLException {
    ResultSetMetaData md = ps.getMetaData();
    int count;
    try {
      count = md == null ? 0 : md.getColumnCount();
    } catch (SQLException noColumns) {
      return NO_COLUMNS;
    }
    String[] columns = new String[count];
    for (int i = 0; i < count; i++) {
      columns[i] = md.getColumnLabel(i + 1);
    }
    return columns;
  }

  private static final String[] NO_COLUMNS = new String[0];

  /** Closes every cached statement and forgets what was found allowed. */
  void clear() {
    cleared.clear();
    for (Entry e : entries.values()) {
      try {
        e.statement().close();
      } catch (SQLException ignored) {
        // Closing a statement of a connection that is going away; nothing to do.
      }
    }
    entries.clear();
  }

  @Override
  public void close() {
    clear();
  }
}
