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
 *
 * <p>A request counts as queued (against the bound, and in {@link EngineCounters#queuedWrites})
 * from its {@link #admit} until its {@link Slot} is left, which happens before its answer can be
 * sent: when its task ends, before the task's future completes, or earlier when a round answers it
 * ({@link WriteGroups.Pending}) while its own task still waits in the queue. So a client that has
 * its reply never finds its request still counted.
 */
final class SerialQueue {

  private final Executor executor;
  private final int bound;
  private final EngineCounters counters;

  /** Tasks not yet started. */
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /**
   * Tasks queued or running, the engine's own included, until each task's end (even one whose
   * request was answered earlier): the handle is not closed while one is in the queue.
   */
  private final AtomicInteger pending = new AtomicInteger();

  /** Requests admitted and not yet left; compared with {@link #bound}. */
  private final AtomicInteger requests = new AtomicInteger();

  /** True while a drain task is scheduled or running: at most one runs at a time. */
  private final AtomicBoolean draining = new AtomicBoolean();

  SerialQueue(Executor executor, int bound, EngineCounters counters) {
    this.executor = executor;
    this.bound = bound;
    this.counters = counters;
  }

  /**
   * One task's place in the counts, from its admission until {@link #leave}: the request's, or the
   * engine's own task's, which shows in the queued-writes gauge but never counts against the bound.
   */
  final class Slot {
    private final boolean request;

    /** Set by the first {@link #leave}: a slot is left once, by its answer or its task's end. */
    private final AtomicBoolean left = new AtomicBoolean();

    private Slot(boolean request) {
      this.request = request;
      counters.queuedWrites.incrementAndGet();
    }

    /** Stops counting the task; to be called before its answer can reach anyone. Idempotent. */
    void leave() {
      if (left.compareAndSet(false, true)) {
        if (request) {
          requests.decrementAndGet();
        }
        counters.queuedWrites.decrementAndGet();
      }
    }
  }

  /**
   * Counts a request as queued; refuses with {@link D1Exception.Overloaded} when the queue is full.
   * Its task is then queued with {@link #run}.
   */
  Slot admit() {
    if (requests.incrementAndGet() > bound) {
      requests.decrementAndGet();
      counters.overloads.increment();
      throw new D1Exception.Overloaded();
    }
    return new Slot(true);
  }

  /**
   * Queues a request's task; refuses with {@link D1Exception.Overloaded} when the queue is full.
   */
  <T> CompletableFuture<T> submit(Callable<T> task) {
    return run(admit(), task);
  }

  /**
   * Queues the engine's own task (opening or closing the writer): it takes its turn like any task
   * but never counts against the bound, so it cannot make a request's task look like overload.
   */
  <T> CompletableFuture<T> submitInternal(Callable<T> task) {
    return run(new Slot(false), task);
  }

  /** Queues the task of an admitted {@code slot}; the slot is left before its future completes. */
  <T> CompletableFuture<T> run(Slot slot, Callable<T> task) {
    pending.incrementAndGet();
    CompletableFuture<T> result = new CompletableFuture<>();
    tasks.add(
        () -> {
          try {
            T value = task.call();
            slot.leave();
            result.complete(value);
          } catch (Throwable t) {
            slot.leave();
            result.completeExceptionally(t);
          } finally {
            pending.decrementAndGet();
          }
        });
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
    return result;
  }

  /** Tasks queued or running. */
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
