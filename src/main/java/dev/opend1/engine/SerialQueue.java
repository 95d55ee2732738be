package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one database's write requests one at a time, in arrival order, on the engine's shared worker
 * threads: a database is single-writer, and a waiting request costs a queue entry, not a thread.
 * Past {@code bound} waiting requests, new ones are refused with D1's 429 instead of letting
 * latency grow without limit. A request's task may run the requests queued behind it too, in one
 * transaction ({@link WriteGroups}); their own tasks then find nothing left to do.
 */
final class SerialQueue {

  private final Executor executor;
  private final int bound;
  private final EngineCounters counters;

  /** Tasks not yet started. */
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** Tasks queued or running, the engine's own included. */
  private final AtomicInteger pending = new AtomicInteger();

  /** Requests' tasks queued or running; compared with {@link #bound}. */
  private final AtomicInteger requests = new AtomicInteger();

  /** True while a drain task is scheduled or running: at most one runs at a time. */
  private final AtomicBoolean draining = new AtomicBoolean();

  SerialQueue(Executor executor, int bound, EngineCounters counters) {
    this.executor = executor;
    this.bound = bound;
    this.counters = counters;
  }

  /**
   * Queues a request's task; refuses with {@link D1Exception.Overloaded} when the queue is full.
   */
  <T> CompletableFuture<T> submit(Callable<T> task) {
    if (requests.incrementAndGet() > bound) {
      requests.decrementAndGet();
      counters.overloads.increment();
      throw new D1Exception.Overloaded();
    }
    return enqueue(task, true);
  }

  /**
   * Queues the engine's own task (opening or closing the writer): it takes its turn like any task
   * but never counts against the bound, so it cannot make a request's task look like overload.
   */
  <T> CompletableFuture<T> submitInternal(Callable<T> task) {
    return enqueue(task, false);
  }

  private <T> CompletableFuture<T> enqueue(Callable<T> task, boolean request) {
    pending.incrementAndGet();
    counters.queuedWrites.incrementAndGet();
    CompletableFuture<T> result = new CompletableFuture<>();
    tasks.add(
        () -> {
          try {
            result.complete(task.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          } finally {
            if (request) {
              requests.decrementAndGet();
            }
            pending.decrementAndGet();
            counters.queuedWrites.decrementAndGet();
          }
        });
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
    return result;
  }

  /** Requests queued or running. */
  int pending() {
    return pending.get();
  }

  private void drain() {
    while (true) {
      for (Runnable r; (r = tasks.poll()) != null; ) {
        r.run();
      }
      draining.set(false);
      // A task added between the last poll and the flag's reset would wait forever: look again.
      if (tasks.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }
}
