package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.api.HttpStatuses;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.EngineCounters;
import dev.opend1.engine.WriterHold;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write requests committed together in one round share its durability: when the history cannot make
 * that commit durable, every request of the round is answered with the same 5xx and none of them is
 * applied.
 */
class GroupedCommitFaultTest {

  private static final int QUEUED = 8;

  @TempDir Path dir;
  final AtomicBoolean failSync = new AtomicBoolean();

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

  @Test
  void aRoundWhoseCommitIsNotDurableFailsEveryRequestOfItAndAppliesNothing() throws Exception {
    try (EngineWithHistory db = EngineWithHistory.start(dir, FaultyStore::new)) {
      db.run("CREATE TABLE t(a)");
      db.run("INSERT INTO t VALUES (0)");
      long seq = db.history.of(db.id).lastSeq();
      EngineCounters counters = db.engine.counters();
      long commits = counters.writeCommits();
      long committed = counters.writesCommitted();

      failSync.set(true);
      ExecutorService threads = Executors.newFixedThreadPool(QUEUED);
      List<CompletableFuture<Throwable>> failures = new ArrayList<>();
      try {
        // The requests queue behind a held writer, so they run in one round once it goes.
        int before = counters.queuedWrites();
        WriterHold hold = WriterHold.start(db.engine, db.id);
        try {
          for (int i = 1; i <= QUEUED; i++) {
            failures.add(failureOf(db, "INSERT INTO t VALUES (" + i + ")", threads));
          }
          awaitQueued(counters, before + 1 + QUEUED);
        } finally {
          hold.close();
        }
        for (CompletableFuture<Throwable> f : failures) {
          assertThat(f.get())
              .isInstanceOf(D1Exception.NotDurable.class)
              .satisfies(e -> assertThat(HttpStatuses.of((D1Exception) e)).isEqualTo(500));
        }
      } finally {
        threads.shutdownNow();
      }
      failSync.set(false);

      assertThat(counters.writesCommitted() - committed)
          .as("requests SQLite committed, in fewer commits")
          .isEqualTo(QUEUED)
          .isGreaterThan(counters.writeCommits() - commits);
      assertThat(db.run("SELECT a FROM t ORDER BY a")).containsExactly(0L);
      assertThat(db.history.of(db.id).lastSeq()).isEqualTo(seq);
      db.run("INSERT INTO t VALUES (99)");
      assertThat(db.run("SELECT a FROM t ORDER BY a")).containsExactly(0L, 99L);
      assertThat(db.integrity()).isEqualTo("ok");
    }
  }

  /** Runs {@code sql} as one request on a thread of {@code threads}; its failure, or null. */
  private static CompletableFuture<Throwable> failureOf(
      EngineWithHistory db, String sql, ExecutorService threads) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            db.run(sql);
            return null;
          } catch (RuntimeException e) {
            return e;
          }
        },
        threads);
  }

  /** Waits until {@code n} write requests are queued or running. */
  private static void awaitQueued(EngineCounters counters, int n) throws InterruptedException {
    while (counters.queuedWrites() < n) {
      Thread.sleep(1);
    }
  }
}
