package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import dev.opend1.history.EngineWithHistory;
import dev.opend1.sql.StatementStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import is answered once its commit is durable; the checkpoint its pages call for runs on the
 * writer after it, not before its answer (it copied the whole import into the file first).
 */
class ImportCheckpointTest {

  @TempDir Path dir;

  /** Commits are durable at once; a checkpoint waits in its hook until the test lets it go. */
  private static final class HeldCheckpoints implements CommitHook {
    final CountDownLatch checkpointing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public boolean adopts(DatabaseId id) {
      return false;
    }

    @Override
    public Optional<StateImage> beforeOpen(DatabaseId id) {
      return Optional.empty();
    }

    @Override
    public void applied(DatabaseId id, StateImage image) {}

    @Override
    public CompletableFuture<dev.opend1.core.Bookmark> afterCommit(DatabaseId id, Path dbFile) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void afterCheckpoint(DatabaseId id) throws IOException {
      checkpointing.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }

    @Override
    public void created(DatabaseId id, Path dbFile) {}

    @Override
    public void deleted(DatabaseId id) {}
  }

  @Test
  void anImportIsAnsweredBeforeItsCheckpoint() throws Exception {
    HeldCheckpoints hook = new HeldCheckpoints();
    DatabaseId id = DatabaseId.random();
    try (Engine engine = new Engine(dir, SqlLimits.d1(), 4, 16, hook)) {
      engine.recover();
      engine.createDatabase(id, new byte[0]);
      // About 8 MB of pages: past the WAL's bound, so the import calls for a checkpoint.
      String dump =
          "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);\n"
              + "INSERT INTO t(v) SELECT randomblob(800) FROM (WITH RECURSIVE c(x) AS"
              + " (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) SELECT x FROM c);\n";
      CompletableFuture<Imported<Long>> imported =
          CompletableFuture.supplyAsync(
              () ->
                  engine.importTransaction(
                      id,
                      1_000_000,
                      Duration.ofMinutes(1),
                      statements -> {
                        StatementStream stream =
                            new StatementStream(new StringReader(dump), 1_000_000);
                        long n = 0;
                        for (var s = stream.next(); s != null; s = stream.next()) {
                          statements.run(s, ++n);
                        }
                        statements.finish();
                        return n;
                      }));

      try {
        assertThat(hook.checkpointing.await(60, TimeUnit.SECONDS))
            .as("the import's pages are checkpointed after it")
            .isTrue();
        assertThat(imported)
            .as("answered while its checkpoint is held")
            .succeedsWithin(Duration.ofSeconds(60))
            .satisfies(i -> assertThat(i.changes()).isEqualTo(10_000));
      } finally {
        hook.release.countDown(); // else the engine could not close
      }
      assertThat(EngineWithHistory.run(engine, id, "SELECT count(*) FROM t"))
          .containsExactly(10_000L);
      Path file = new DataLayout(dir).database(id).sqliteFile();
      assertThat(Files.size(file)).as("the checkpoint copied the pages").isGreaterThan(8_000_000);
    }
  }
}
