package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which thread makes a write's commit durable: a local history's fsync runs on the writer, which
 * commits (no hand-off to the history's sync threads and back, two thread wake-ups a round); a
 * history whose sync also uploads keeps it on the sync threads, so the writer's next rounds run
 * during a slow upload ({@link HistoryStore#syncsLocally}). Either way the request is answered only
 * once its commit is durable.
 */
class CommitSyncThreadTest {

  @TempDir Path dir;

  /**
   * A local store that records the thread of every fsync; {@code local} false stands for one whose
   * sync also uploads.
   */
  static final class Recording extends LocalHistoryStore {
    static final List<String> THREADS = new CopyOnWriteArrayList<>();
    private final boolean local;

    Recording(Path d, boolean local) throws IOException {
      super(d);
      this.local = local;
    }

    @Override
    public boolean syncsLocally() {
      return local;
    }

    @Override
    public void sync(FileChannel segment) throws IOException {
      THREADS.add(Thread.currentThread().getName());
      super.sync(segment);
    }
  }

  @Test
  void aLocalHistorysFsyncRunsOnTheWriter() throws Exception {
    List<String> threads = writeTwice(true);
    assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("opend1-sql-"));
  }

  @Test
  void aHistoryThatUploadsAtItsSyncKeepsItOnTheSyncThreads() throws Exception {
    List<String> threads = writeTwice(false);
    assertThat(threads)
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t).startsWith("opend1-history-sync-"));
  }

  /** The threads that fsynced two writes' commits; each write's rows are there once answered. */
  private List<String> writeTwice(boolean local) throws Exception {
    Recording.THREADS.clear();
    try (EngineWithHistory db = EngineWithHistory.start(dir, d -> new Recording(d, local))) {
      db.run("CREATE TABLE t(a)");
      Recording.THREADS.clear(); // the creation's first record is synced by the thread creating it
      db.run("INSERT INTO t VALUES (1)");
      db.run("INSERT INTO t VALUES (2)");
      List<String> threads = List.copyOf(Recording.THREADS);
      assertThat(db.run("SELECT count(*) FROM t")).containsExactly(2L);
      assertThat(db.history.of(db.id).lastSeq()).isGreaterThanOrEqualTo(3);
      return threads;
    }
  }
}
