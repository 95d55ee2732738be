package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.engine.EngineCounters;
import dev.opend1.engine.FsyncWait;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write round waits for the fsync of the writer's previous commit before it takes the requests
 * that wait, so the requests that arrive during that fsync commit together: their commit could not
 * be durable before the next fsync anyway. The test holds the fsync itself, and lengthens the
 * wait's bound and the round's budget past the test's length, so nothing depends on how fast the
 * machine is.
 */
class RoundAfterFsyncTest {

  private static final int LATER = 6;

  @TempDir Path dir;
  final AtomicBoolean holdSync = new AtomicBoolean();
  final CountDownLatch releaseSync = new CountDownLatch(1);
  final CountDownLatch syncHeld = new CountDownLatch(1);

  /** A local store whose fsync waits for {@link #releaseSync} while {@link #holdSync} is set. */
  final class HeldStore extends LocalHistoryStore {
    HeldStore(Path d) throws IOException {
      super(d);
    }

    @Override
    public void sync(FileChannel segment) throws IOException {
      if (holdSync.get()) {
        syncHeld.countDown();
        try {
          releaseSync.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.sync(segment);
    }
  }

  @Test
  void requestsArrivingDuringAnFsyncCommitTogetherOnceItEnds() throws Exception {
    try (EngineWithHistory db = EngineWithHistory.start(dir, HeldStore::new)) {
      db.run("CREATE TABLE t(a)");
      EngineCounters counters = db.engine.counters();
      ExecutorService threads = Executors.newFixedThreadPool(LATER + 1);
      FsyncWait wait = FsyncWait.set(db.engine, db.id, TimeUnit.SECONDS.toNanos(60));
      try {
        holdSync.set(true);
        long commits = counters.writeCommits();
        CompletableFuture<List<Object>> first =
            CompletableFuture.supplyAsync(() -> db.run("INSERT INTO t VALUES (0)"), threads);
        assertThat(syncHeld.await(60, TimeUnit.SECONDS)).as("the first commit's fsync").isTrue();
        assertThat(counters.writeCommits() - commits).isEqualTo(1);

        // Requests arriving while that fsync runs: the round the first of them starts waits.
        List<CompletableFuture<List<Object>>> later = new ArrayList<>();
        for (int i = 1; i <= LATER; i++) {
          String sql = "INSERT INTO t VALUES (" + i + ")";
          later.add(CompletableFuture.supplyAsync(() -> db.run(sql), threads));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // The first request is still counted too: its fsync, held, runs on the writer.
        while (counters.queuedWrites() < LATER + 1 && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        assertThat(counters.queuedWrites()).as("requests queued").isEqualTo(LATER + 1);
        assertThat(counters.writeCommits() - commits)
            .as("no round runs while the previous fsync does")
            .isEqualTo(1);
        assertThat(first).isNotDone();

        releaseSync.countDown();
        first.get(60, TimeUnit.SECONDS);
        for (CompletableFuture<List<Object>> f : later) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertThat(counters.writeCommits() - commits)
            .as("the later requests, in one commit")
            .isEqualTo(2);
      } finally {
        releaseSync.countDown();
        threads.shutdownNow();
        wait.close();
      }
      assertThat(db.run("SELECT count(*) FROM t")).containsExactly((long) LATER + 1);
      assertThat(db.integrity()).isEqualTo("ok");
    }
  }
}
