package dev.opend1.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the pools of named daemon threads that background work on databases runs on (the history's
 * fsyncs, snapshots and pruning; exports and imports, and their housekeeping; the analytics'
 * flush). Threads for database work are started by the engine only (an ArchUnit rule); whoever asks
 * for a pool owns it and shuts it down.
 */
public final class DaemonPools {

  private DaemonPools() {}

  /** A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2}, ... */
  public static ExecutorService fixed(String name, int threads) {
    return Executors.newFixedThreadPool(threads, named(name));
  }

  /**
   * A pool that starts a daemon thread whenever none is idle (for jobs that mostly wait, each for
   * its own database) and ends threads idle for a minute.
   */
  public static ExecutorService growing(String name) {
    return Executors.newCachedThreadPool(named(name));
  }

  /** One daemon thread for work run on a schedule. */
  public static ScheduledExecutorService scheduled(String name) {
    return Executors.newSingleThreadScheduledExecutor(named(name));
  }

  /** Makes daemon threads named {@code name-1}, {@code name-2}, ... */
  private static ThreadFactory named(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
