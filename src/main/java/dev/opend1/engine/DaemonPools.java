package dev.opend1.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the fixed pools of named daemon threads that background work on databases runs on (the
 * history's fsyncs, snapshots and pruning, the analytics' flush). Threads for database work are
 * started by the engine only (an ArchUnit rule); whoever asks for a pool owns it and shuts it down.
 */
public final class DaemonPools {

  private DaemonPools() {}

  /** A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2}, ... */
  public static ExecutorService fixed(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** One daemon thread named {@code name} that runs tasks at set times. */
  public static ScheduledExecutorService scheduled(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
