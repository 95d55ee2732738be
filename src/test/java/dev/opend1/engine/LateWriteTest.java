package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import dev.opend1.testing.FirstColumn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write the writer reaches only after its start deadline is not started: it is answered D1's
 * "Requests queued for too long", nothing of it applied, so a write its client (or the node that
 * forwarded it) may have given up on is never applied late. The deadline is the request's own
 * ({@link ResultSink#startBy}: a forwarded request's budget), else {@link SqlLimits#writeWait} from
 * the moment it was queued. The writer is held ({@link WriterHold}) until the deadline has passed,
 * so nothing depends on the machine's speed.
 */
class LateWriteTest {

  @TempDir Path dir;
  Engine engine;
  DatabaseId id = DatabaseId.random();

  /** In place of a start deadline: the engine's own. */
  private static final long OWN = 0;

  /** A time limit of 1 s: the engine's own wait is then its least, 5 s. */
  final SqlLimits limits = limits(Duration.ofSeconds(1));

  @BeforeEach
  void start() {
    engine = new Engine(dir, limits, 4, 16, CommitHook.NONE);
    engine.recover();
    engine.createDatabase(id, new byte[0]);
    engine.execute(id, sql("CREATE TABLE t(v TEXT)"), false, new FirstColumn());
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  @Test
  void writesThatReachTheWriterAfterTheirDeadlineAreRefusedAndNotApplied() throws Exception {
    long overloads = engine.counters().overloads();
    long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
    long later = System.nanoTime() + Duration.ofHours(1).toNanos();
    CompletableFuture<Void> lateInsert;
    CompletableFuture<Void> lateSchema;
    CompletableFuture<Void> onTime;
    WriterHold hold = WriterHold.start(engine, id);
    try {
      // Grouped with the one on time (the round takes both), and alone (a schema change).
      lateInsert = write("INSERT INTO t VALUES ('late')", deadline);
      onTime = write("INSERT INTO t VALUES ('on time')", later);
      lateSchema = write("CREATE TABLE u(v)", deadline);
      awaitQueued(4);
      while (System.nanoTime() - deadline <= 0) {
        Thread.sleep(10);
      }
    } finally {
      hold.close();
    }
    onTime.join();
    for (CompletableFuture<Void> refused : List.of(lateInsert, lateSchema)) {
      assertThatThrownBy(refused::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(D1Exception.QueuedTooLong.class)
          .hasMessage("D1 DB is overloaded. Requests queued for too long.");
    }
    assertThat(values("SELECT v FROM t ORDER BY v")).containsExactly("on time");
    assertThat(values("SELECT name FROM sqlite_schema WHERE name = 'u'")).isEmpty();
    assertThat(engine.counters().overloads() - overloads).isEqualTo(2);
  }

  /** With no deadline of its own, a write may wait for the writer {@link SqlLimits#writeWait}. */
  @Test
  void aWriteWaitsForTheWriterAtMostTheEnginesOwnWait() throws Exception {
    assertThat(limits.writeWait()).isEqualTo(SqlLimits.MIN_WRITE_WAIT);
    CompletableFuture<Void> queued;
    WriterHold hold = WriterHold.start(engine, id);
    try {
      queued = write("INSERT INTO t VALUES ('late')", OWN);
      awaitQueued(2);
      // Queued by now: its deadline is at most the engine's wait from here.
      long since = System.nanoTime();
      while (System.nanoTime() - since <= limits.writeWait().toNanos()) {
        Thread.sleep(50);
      }
    } finally {
      hold.close();
    }
    assertThatThrownBy(queued::join).cause().isInstanceOf(D1Exception.QueuedTooLong.class);
    assertThat(values("SELECT v FROM t")).isEmpty();
    // The writer is free again: a write now runs.
    write("INSERT INTO t VALUES ('now')", OWN).join();
    assertThat(values("SELECT v FROM t")).containsExactly("now");
  }

  /**
   * Runs {@code text} on another thread, to start by {@code startBy}; {@link #OWN} for the engine's
   * own deadline.
   */
  private CompletableFuture<Void> write(String text, long startBy) {
    return CompletableFuture.runAsync(
        () ->
            engine.execute(
                id,
                sql(text),
                false,
                startBy == OWN ? new FirstColumn() : new FirstColumn(startBy)));
  }

  private void awaitQueued(int n) throws InterruptedException {
    while (engine.counters().queuedWrites() < n) {
      Thread.sleep(5);
    }
  }

  private List<Object> values(String select) {
    FirstColumn rows = new FirstColumn();
    engine.execute(id, sql(select), false, rows);
    return rows.values;
  }

  private static List<QueryInput> sql(String text) {
    return List.of(new QueryInput(text, List.of()));
  }

  private static SqlLimits limits(Duration timeout) {
    SqlLimits d1 = SqlLimits.d1();
    return new SqlLimits(
        d1.maxStatementBytes(),
        d1.maxBoundParameters(),
        d1.maxValueBytes(),
        d1.maxColumns(),
        d1.maxFunctionArgs(),
        d1.maxLikePatternBytes(),
        timeout,
        d1.maxDatabaseBytes(),
        d1.maxQueuedWrites(),
        d1.compat());
  }
}
