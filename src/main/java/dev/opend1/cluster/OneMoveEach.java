package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the moves of databases (hand-overs, takes of databases handed here) on an executor, at most
 * one per database at a time: the renewer asks PostgreSQL for the pending moves every period, and a
 * move still running from an earlier period is not started again.
 */
final class OneMoveEach implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OneMoveEach.class);

  /** Runs the moves; owned, shut down at close. */
  private final ExecutorService executor;

  /** The databases whose move runs now. */
  private final Set<DatabaseId> running = ConcurrentHashMap.newKeySet();

  OneMoveEach(ExecutorService executor) {
    this.executor = executor;
  }

  /** Runs {@code move} for the database, unless one runs for it already; a failure is logged. */
  void run(DatabaseId id, Runnable move) {
    if (!running.add(id)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            try {
              move.run();
            } catch (RuntimeException e) {
              LOG.warn("moving database {}: {}", id, e.getMessage());
            } finally {
              running.remove(id);
            }
          });
    } catch (RejectedExecutionException stopping) {
      running.remove(id);
    }
  }

  /**
   * Starts no more moves and waits (a bounded time) for one that was running to end; again, it does
   * nothing.
   */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("a move still runs 10 s after the node began to stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
