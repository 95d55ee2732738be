package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read of one SELECT the connection has cached runs in SQLite's own transaction ({@link
 * SingleRead}). Requests made one after another on one thread all use the database's one read
 * connection, so from the second such read on, each of these goes that way: it must answer exactly
 * as the first did, see every write and schema change made before it, and leave no transaction open
 * behind it.
 */
class SingleReadTest {

  @TempDir Path dir;
  Engine engine;
  DatabaseId id = DatabaseId.random();

  @BeforeEach
  void start() {
    engine = new Engine(dir);
    engine.recover();
    engine.createDatabase(id, new byte[0]);
    write("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y')");
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  /** What a request answered: its columns, rows and meta (but its duration), or its error. */
  private static final class Answer implements ResultSink {
    final List<String> parts = new ArrayList<>();

    @Override
    public void begin(boolean mayStream) {}

    @Override
    public void statementStart(String[] columns) {
      parts.add("columns " + Arrays.toString(columns));
    }

    @Override
    public void row(Object[] values) {
      parts.add("row " + Arrays.toString(values));
    }

    @Override
    public void statementEnd(StatementMeta m) {
      parts.add(
          "meta changes=%d last_row_id=%d changed_db=%b size=%d read=%d written=%d"
              .formatted(
                  m.changes(),
                  m.lastRowId(),
                  m.changedDb(),
                  m.sizeAfter(),
                  m.rowsRead(),
                  m.rowsWritten()));
    }

    @Override
    public boolean reset() {
      parts.clear();
      return true;
    }
  }

  private List<String> read(String sql, Object... params) {
    Answer a = new Answer();
    try {
      engine.execute(id, List.of(new QueryInput(sql, Arrays.asList(params))), false, a);
    } catch (RuntimeException e) {
      a.parts.add("error " + e.getMessage());
    }
    return a.parts;
  }

  private void write(String sql) {
    engine.execute(id, List.of(new QueryInput(sql, List.of())), false, new Answer());
  }

  @Test
  void aRepeatedReadAnswersAsTheFirst() {
    String point = "SELECT * FROM t WHERE a = ?";
    List<String> hit = read(point, 2L);
    List<String> miss = read(point, 7L);
    assertThat(hit).contains("row [2, y]");
    assertThat(miss).doesNotContain("row [2, y]");
    for (int i = 0; i < 3; i++) {
      assertThat(read(point, 2L)).isEqualTo(hit);
      assertThat(read(point, 7L)).isEqualTo(miss);
    }
    List<String> all = read("SELECT b FROM t WHERE a > ? ORDER BY a", 0L);
    assertThat(all).contains("row [x]", "row [y]");
    assertThat(read("SELECT b FROM t WHERE a > ? ORDER BY a", 0L)).isEqualTo(all);
  }

  @Test
  void aWriteBetweenCachedReadsIsSeenByEveryTextAfterIt() {
    // A read that left its transaction open would keep the connection on the old snapshot.
    read("SELECT b FROM t WHERE a = ?", 1L);
    read("SELECT b FROM t WHERE a = ?", 1L);
    read("SELECT count(*) FROM t WHERE a > ?", 0L);
    read("SELECT count(*) FROM t WHERE a > ?", 0L);
    write("UPDATE t SET b = 'z' WHERE a = 1; INSERT INTO t VALUES (3, 'w')");
    assertThat(read("SELECT a FROM t WHERE b = ?", "z")).contains("row [1]");
    assertThat(read("SELECT b FROM t WHERE a = ?", 1L)).contains("row [z]");
    assertThat(read("SELECT count(*) FROM t WHERE a > ?", 0L)).contains("row [3]");
  }

  @Test
  void aSchemaChangeBetweenCachedReadsShowsTheNewColumns() {
    String point = "SELECT * FROM t WHERE a = ?";
    read(point, 1L);
    assertThat(read(point, 1L)).contains("columns [a, b]", "row [1, x]");
    write("ALTER TABLE t ADD COLUMN c DEFAULT 3");
    assertThat(read(point, 1L)).contains("columns [a, b, c]", "row [1, x, 3]");
    write("ALTER TABLE t DROP COLUMN b");
    assertThat(read(point, 1L)).contains("columns [a, c]", "row [1, 3]");
  }

  @Test
  void aViewRedefinedToReadAReservedTableIsRefusedAfterCachedReads() {
    write("CREATE VIEW v AS SELECT b FROM t");
    read("SELECT * FROM v WHERE b = ?", "x");
    assertThat(read("SELECT * FROM v WHERE b = ?", "x")).contains("row [x]");
    write("DROP VIEW v; CREATE VIEW v AS SELECT value AS b FROM _cf_KV");
    assertThat(read("SELECT * FROM v WHERE b = ?", "x"))
        .containsExactly("error access to _cf_KV.key is prohibited: SQLITE_AUTH");
  }

  @Test
  void aTableDroppedBetweenCachedReadsGivesSqlitesError() {
    read("SELECT b FROM t WHERE a = ?", 1L);
    read("SELECT b FROM t WHERE a = ?", 1L);
    write("DROP TABLE t");
    assertThat(read("SELECT b FROM t WHERE a = ?", 1L))
        .singleElement()
        .asString()
        .startsWith("error no such table: t");
  }

  @Test
  void aCachedReadThatFailsFailsAsTheFirstDid() {
    // abs() of the smallest integer overflows: on the first row, and on the second of two rows.
    String first = "SELECT abs(a - 9223372036854775807 - ?) FROM t WHERE a = 1";
    List<String> failed = read(first, 2L);
    assertThat(failed).singleElement().asString().contains("integer overflow");
    assertThat(read(first, 1L)).contains("row [9223372036854775807]");
    assertThat(read(first, 1L)).contains("row [9223372036854775807]");
    assertThat(read(first, 2L)).isEqualTo(failed);

    String second = "SELECT abs(a - 9223372036854775807 - ?) FROM t ORDER BY a";
    List<String> midway = read(second, 3L);
    assertThat(midway).last().asString().contains("integer overflow");
    read(second, 0L);
    read(second, 0L);
    assertThat(read(second, 3L)).isEqualTo(midway);
    assertThat(read("SELECT b FROM t WHERE a = ?", 2L)).contains("row [y]");
  }

  @Test
  void aCachedReadWithTheWrongNumberOfParametersIsRefused() {
    String point = "SELECT b FROM t WHERE a = ?";
    read(point, 1L);
    read(point, 1L);
    assertThat(read(point)).containsExactly("error " + D1Texts.WRONG_PARAMETER_COUNT);
    assertThat(read(point, 1L, 2L)).containsExactly("error " + D1Texts.WRONG_PARAMETER_COUNT);
    assertThat(read(point, 1L)).contains("row [x]");
  }
}
