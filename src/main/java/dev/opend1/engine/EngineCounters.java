package dev.opend1.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Plain counters the engine keeps for operators (read by the metrics endpoint; the engine itself
 * knows nothing of how they are exported). All are totals since start except {@link #queuedWrites},
 * which is the current number of write requests waiting or running.
 */
public final class EngineCounters {

  /** Write requests queued or running, over every database. */
  final AtomicInteger queuedWrites = new AtomicInteger();

  /** Write requests refused with 429 because their database's queue was full. */
  final LongAdder overloads = new LongAdder();

  /** Checkpoints that copied every captured frame into the database file. */
  final LongAdder checkpoints = new LongAdder();

  /** Time spent in those checkpoints, in nanoseconds. */
  final LongAdder checkpointNanos = new LongAdder();

  EngineCounters() {}

  public int queuedWrites() {
    return queuedWrites.get();
  }

  public long overloads() {
    return overloads.sum();
  }

  public long checkpoints() {
    return checkpoints.sum();
  }

  public long checkpointNanos() {
    return checkpointNanos.sum();
  }
}
