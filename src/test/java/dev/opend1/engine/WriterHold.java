package dev.opend1.engine;

import dev.opend1.core.DatabaseId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds one database's writer for a test: a task in the writer's queue that waits until {@link
 * #close}, so the write requests sent meanwhile queue behind it however fast the machine is, and
 * then run as the writer would run them after any long write.
 */
public final class WriterHold implements AutoCloseable {

  private final HandleCache handles;
  private final DatabaseHandle handle;
  private final CountDownLatch release = new CountDownLatch(1);
  private final CompletableFuture<Void> task;

  private WriterHold(Engine engine, DatabaseId id) throws InterruptedException {
    handles = engine.handles;
    // Counted as a user of the handle, so the cache neither closes nor evicts it while held.
    handle = handles.acquire(id);
    CountDownLatch running = new CountDownLatch(1);
    task =
        handle.writes.submit(
            () -> {
              running.countDown();
              release.await();
              return null;
            });
    if (!running.await(30, TimeUnit.SECONDS)) {
      close();
      throw new IllegalStateException("the writer of " + id + " did not take the hold");
    }
  }

  /** Returns once the writer of {@code id} runs the hold; it counts as one queued write. */
  public static WriterHold start(Engine engine, DatabaseId id) throws InterruptedException {
    return new WriterHold(engine, id);
  }

  /** Lets the writer go on with what queued behind the hold. */
  @Override
  public void close() {
    release.countDown();
    task.join();
    handles.release(handle);
  }
}
