package dev.opend1.cluster;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per database for the steps that change what this node holds of it (a take and its
 * rebuild, a hand-over, a release), so each runs once, whatever requests wait for it. A request's
 * wait is bounded ({@link #hold(DatabaseId, Duration)}): a rebuild from the bucket can take
 * minutes, and a request that waits that long holds a thread and outlives its client's and its
 * forwarder's patience, where a prompt refusal is retried.
 */
final class DatabaseLocks {

  /** A held lock: closing it lets the next step run. */
  interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  private final Map<DatabaseId, ReentrantLock> locks = new ConcurrentHashMap<>();

  /** Waits for the database's lock as long as it takes. */
  Hold hold(DatabaseId id) {
    ReentrantLock lock = lockOf(id);
    lock.lock();
    return lock::unlock;
  }

  /**
   * Waits for the database's lock at most {@code patience}.
   *
   * @throws D1Exception.NotOwner when another step held it all that time (or the wait was
   *     interrupted, the interrupt kept): nothing was done, and the request may be retried
   */
  Hold hold(DatabaseId id, Duration patience) {
    ReentrantLock lock = lockOf(id);
    boolean held = false;
    try {
      held = lock.tryLock(patience.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!held) {
      throw new D1Exception.NotOwner(
          id.toString(),
          "this node is still taking it over (rebuilding its files from the bucket) or handing it"
              + " over after "
              + patience.toMillis()
              + " ms");
    }
    return lock::unlock;
  }

  private ReentrantLock lockOf(DatabaseId id) {
    return locks.computeIfAbsent(id, k -> new ReentrantLock());
  }
}
