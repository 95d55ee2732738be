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
  final AtomicBoolean failPut = new AtomicBoolean();
  final java.util.concurrent.atomic.AtomicInteger refusedPuts =
      new java.util.concurrent.atomic.AtomicInteger();
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

    @Override
    public void put(String name, Path built) throws IOException {
      if (failPut.get()) {
        refusedPuts.incrementAndGet();
        throw new IOException("No space left on device");
      }
      super.put(name, built);
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
    assertThat(dev.opend1.testing.Integrity.check(dir, id.toString())).isEqualTo("ok");
    assertThat(history.of(id).lastSeq()).isEqualTo(before + 1);
  }

  private long snapshots() throws IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("snap-")).count();
    }
  }

  private long scratchFiles() throws IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void aSnapshotOntoAFullDiskFailsAloneAndWritesGoOn() throws Exception {
    run("CREATE TABLE t(a, b)");
    long before = snapshots();
    failPut.set(true);
    // Enough log (over 256 KiB) that a snapshot is due after most of these writes.
    for (int i = 0; i < 20; i++) {
      run("INSERT INTO t VALUES (" + i + ", randomblob(30000))");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (refusedPuts.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(refusedPuts.get()).as("a snapshot was attempted").isPositive();
    assertThat(snapshots()).isEqualTo(before);
    assertThat(scratchFiles()).as("half-built snapshots are removed").isZero();
    assertThat(run("SELECT count(*) FROM t")).containsExactly(20L);
    long seq = history.of(id).lastSeq();

    failPut.set(false);
    for (int i = 20; i < 40; i++) {
      run("INSERT INTO t VALUES (" + i + ", randomblob(30000))");
    }
    while (snapshots() == before && System.nanoTime() < deadline + 30_000_000_000L) {
      Thread.sleep(20);
    }
    assertThat(snapshots()).isGreaterThan(before);
    assertThat(history.of(id).lastSeq()).isEqualTo(seq + 20);
    assertThat(run("SELECT count(*) FROM t")).containsExactly(40L);
    assertThat(dev.opend1.testing.Integrity.check(dir, id.toString())).isEqualTo("ok");
  }
}
