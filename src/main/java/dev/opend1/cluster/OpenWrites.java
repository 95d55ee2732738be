package dev.opend1.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The commits of one held database that the write gate let through and that are not durable yet
 * (their history record not yet in the bucket). A hand-over closes it, then waits until none is
 * left: from then on every write this node acknowledged is in the bucket, so the node it hands the
 * database to rebuilds it with all of them.
 *
 * <p>Why no lock: {@link #enter} counts itself before it reads {@code closed}, and {@link #close}
 * sets {@code closed} before it reads the count, both on sequentially consistent variables; so a
 * commit that entered is either seen by the closer's count or saw the gate closed itself.
 */
final class OpenWrites {

  /** Commits let through and not settled. */
  private final AtomicInteger open = new AtomicInteger();

  /** Set once by a hand-over: no commit is let through after. */
  private volatile boolean closed;

  /** Lets one commit through (true), unless closed; a true is followed by one {@link #settled}. */
  boolean enter() {
    open.incrementAndGet();
    if (closed) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A commit let through is durable, or failed. */
  void settled() {
    open.decrementAndGet();
  }

  /** Lets no commit through any more. */
  void close() {
    closed = true;
  }

  /** Lets commits through again (a hand-over that did not happen). */
  void reopen() {
    closed = false;
  }

  boolean closed() {
    return closed;
  }

  /**
   * Waits, after {@link #close}, until every commit let through has settled; false when {@code
   * limit} passed first.
   */
  boolean awaitSettled(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (open.get() > 0) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }
}
