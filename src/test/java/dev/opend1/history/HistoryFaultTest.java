package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import dev.opend1.engine.Engine;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.engine.StatementMeta;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the history cannot be made durable, the commits it covers fail with a 5xx and are not
 * applied; once the fault clears, the database is rebuilt from its history and serves again.
 */
class HistoryFaultTest {

  @TempDir Path dir;
  final AtomicBoolean failSync = new AtomicBoolean();
  History history;
  Engine engine;
  DatabaseId id = DatabaseId.random();

  /** A local store whose fsync fails while {@link #failSync} is set, like a failing disk. */
  final class FaultyStore extends LocalHistoryStore {
    FaultyStore(Path d) throws IOException {
      super(d);
    }

    @Override
    public void sync(FileChannel segment) throws IOException {
      if (failSync.get()) {
        throw new IOException("injected fsync failure");
      }
      super.sync(segment);
    }
  }

  @BeforeEach
  void start() {
    history = new History(dir, Duration.ofDays(30), FaultyStore::new);
    engine = new Engine(dir, SqlLimits.d1(), 4, 16, history);
    engine.recover();
    engine.createDatabase(id, new byte[0]);
  }

  @AfterEach
  void stop() {
    engine.close();
    history.close();
  }

  /** Collects the first column of every row. */
  static final class Rows implements ResultSink {
    final List<Object> values = new ArrayList<>();

    @Override
    public void begin(boolean mayStream) {}

    @Override
    public void statementStart(String[] columns) {}

    @Override
    public void row(Object[] row) {
      values.add(row[0]);
    }

    @Override
    public void statementEnd(StatementMeta meta) {}

    @Override
    public boolean reset() {
      values.clear();
      return true;
    }
  }

  private List<Object> run(String sql) {
    Rows rows = new Rows();
    engine.execute(id, List.of(new QueryInput(sql, List.of())), false, rows);
    return rows.values;
  }

  @Test
  void aCommitThatCannotBeMadeDurableIsNotAppliedAndTheDatabaseRecovers() throws Exception {
    run("CREATE TABLE t(a)");
    run("INSERT INTO t VALUES (1)");
    long before = history.of(id).lastSeq();

    failSync.set(true);
    assertThatThrownBy(() -> run("INSERT INTO t VALUES (2)"))
        .isInstanceOf(D1Exception.NotDurable.class)
        .satisfies(e -> assertThat(((D1Exception) e).httpStatus()).isEqualTo(500));
    failSync.set(false);

    assertThat(run("SELECT a FROM t ORDER BY a")).containsExactly(1L);
    assertThat(history.of(id).lastSeq()).isEqualTo(before);
    run("INSERT INTO t VALUES (3)");
    assertThat(run("SELECT a FROM t ORDER BY a")).containsExactly(1L, 3L);
    assertThat(run("PRAGMA integrity_check")).containsExactly("ok");
    assertThat(history.of(id).lastSeq()).isEqualTo(before + 1);
  }
}
