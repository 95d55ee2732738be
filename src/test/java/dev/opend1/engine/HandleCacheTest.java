package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandleCacheTest {

  @TempDir Path dir;

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /**
   * A handle closed because it turned out broken (a commit that could not be made durable) may
   * still have a request running on it: the database is not opened again until it is closed, since
   * a fresh handle may rebuild the file under the old one's connections (a read then fails with
   * SQLITE_IOERR, as a cluster losing its bucket showed).
   */
  @Test
  void aDatabaseIsNotOpenedAgainWhileItsBrokenHandleIsClosing() throws Exception {
    HandleCache cache =
        new HandleCache(
            8,
            id -> dir.resolve(id + ".db"),
            SqlLimits.d1(),
            null,
            Runnable::run,
            2,
            new EngineCounters());
    DatabaseId id = DatabaseId.random();
    DatabaseHandle old = cache.enter(id); // a request running on it

    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(() -> cache.closeIfCurrent(old, 30_000), threads);
    while (!old.closed) {
      Thread.sleep(5);
    }
    CompletableFuture<DatabaseHandle> next =
        CompletableFuture.supplyAsync(() -> cache.acquire(id), threads);

    Thread.sleep(300);
    assertThat(next).as("opened again while the old handle was still open").isNotDone();

    old.gate.readLock().unlock(); // the request ends
    cache.release(old);
    closing.get(10, TimeUnit.SECONDS);
    DatabaseHandle fresh = next.get(10, TimeUnit.SECONDS);
    assertThat(fresh).isNotSameAs(old);
    cache.release(fresh);
  }
}
