package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteConnection;

/**
 * Which programs {@link ChangeCount} lets count {@code rows_written} without the update hook, and
 * that for each it names, running the statement with the hook on reports exactly {@code
 * sqlite3_changes} rows of that table and no other: the counts the engine's two ways give agree.
 * For those, SQLite's total changes move by the changes alone (QueryRunner reads them from it).
 */
class ChangeCountTest {

  private SQLiteConnection conn;
  private final RowCounter hook = new RowCounter();

  @BeforeEach
  void schema() throws SQLException {
    conn = (SQLiteConnection) DriverManager.getConnection("jdbc:sqlite::memory:");
    try (Statement st = conn.createStatement()) {
      st.executeUpdate("PRAGMA foreign_keys = ON");
      for (String ddl :
          new String[] {
            "CREATE TABLE log(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
            "CREATE TABLE t(id INTEGER PRIMARY KEY, a UNIQUE, b)",
            "CREATE INDEX tb ON t(b)",
            "CREATE TABLE seq(id INTEGER PRIMARY KEY AUTOINCREMENT, v)",
            "CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID",
            "CREATE TABLE audited(x)",
            "CREATE TABLE audit(x)",
            "CREATE TRIGGER au AFTER INSERT ON audited BEGIN INSERT INTO audit VALUES (new.x); END",
            "CREATE TABLE parent(id INTEGER PRIMARY KEY)",
            "CREATE TABLE child(p REFERENCES parent(id) ON DELETE CASCADE ON UPDATE CASCADE)",
            "CREATE VIRTUAL TABLE docs USING fts5(body)",
            "INSERT INTO log(v) VALUES ('a'), ('b'), ('c')",
            "INSERT INTO t VALUES (1, 1, 1), (2, 2, 2)",
            "INSERT INTO parent VALUES (1), (2)",
            "INSERT INTO child VALUES (1), (2)",
          }) {
        st.executeUpdate(ddl);
      }
    }
    conn.addUpdateListener(hook);
  }

  @AfterEach
  void close() throws SQLException {
    conn.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // statement | the table it names | whether the hook's rows and the changes differ
        "INSERT INTO log(v) VALUES ('x')                          | log | false",
        "INSERT INTO log(v) VALUES ('x'), ('y'), ('z')            | log | false",
        "INSERT INTO log(v) SELECT v FROM log                     | log | false",
        "INSERT INTO t(a, b) VALUES (10, 10)                      | t | false",
        "INSERT OR IGNORE INTO t(a, b) VALUES (1, 5)              | t | false",
        "INSERT INTO seq(v) VALUES (1)                            | seq | false",
        "UPDATE log SET v = 'u' WHERE id <= 2                     | log | false",
        "INSERT INTO t(a, b) VALUES (1, 7) ON CONFLICT(a) DO UPDATE SET b = 7 | t | false",
        "INSERT OR REPLACE INTO t(id, a, b) VALUES (1, 9, 9)      | | false",
        "UPDATE log SET id = id + 100 WHERE id = 1                | | false",
        "DELETE FROM log WHERE id = 2                             | | false",
        "DELETE FROM log                                          | | true",
        "INSERT INTO w VALUES (1, 2)                              | | true",
        "INSERT INTO audited VALUES (1)                           | | true",
        "UPDATE parent SET id = 5 WHERE id = 1                    | | true",
        "INSERT INTO docs(body) VALUES ('some words')             | | true",
      })
  void namesATableOnlyWhereTheHookCountsTheChanges(String sql, String expected, boolean differ)
      throws SQLException {
    String table = ProgramReach.of(conn, sql).changesOnlyIn();
    assertThat(table).isEqualTo(expected);
    hook.reset();
    long totalBefore = conn.getDatabase().total_changes();
    try (Statement st = conn.createStatement()) {
      st.executeUpdate(sql);
    }
    long changes = conn.getDatabase().changes();
    if (table != null) {
      assertThat(hook.byTable()).isEqualTo(changes == 0 ? Map.of() : Map.of(table, changes));
      // QueryRunner takes such a statement's changes from SQLite's total, which no trigger moved.
      assertThat(conn.getDatabase().total_changes() - totalBefore).isEqualTo(changes);
    }
    // Where the program is ruled out, the hook's count is what rows_written needs; for these it
    // differs from the changes (the others are ruled out because SQLite could make them differ).
    long hooked = hook.byTable().values().stream().mapToLong(Long::longValue).sum();
    assertThat(hooked != changes).as("hook %d, changes %d", hooked, changes).isEqualTo(differ);
  }
}
