package dev.opend1.engine;

import dev.opend1.sql.StatementKind;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Plain counters the engine keeps for operators (read by the metrics endpoint; the engine itself
 * knows nothing of how they are exported). All are totals since start except {@link #queuedWrites},
 * which is the current number of write requests waiting or running, and {@link
 * #lastCheckpointMillis}.
 */
public final class EngineCounters {

  /** Write requests queued or running, over every database. */
  final AtomicInteger queuedWrites = new AtomicInteger();

  /** Write requests refused with 429 because their database's queue was full. */
  final LongAdder overloads = new LongAdder();

  /** Read requests refused with 429 because every read connection of their database stayed busy. */
  final LongAdder busyReaders = new LongAdder();

  /** Read requests waiting for a read connection now, over every database. */
  final AtomicInteger waitingReads = new AtomicInteger();

  /** Checkpoints that copied every captured frame into the database file. */
  final LongAdder checkpoints = new LongAdder();

  /** Time spent in those checkpoints, in nanoseconds. */
  final LongAdder checkpointNanos = new LongAdder();

  /** When the latest of those checkpoints ended (epoch milliseconds), 0 before the first. */
  final AtomicLong lastCheckpointMillis = new AtomicLong();

  /** Commits of write requests: one request alone, or a group of them ({@link WriteGroups}). */
  private final LongAdder writeCommits = new LongAdder();

  /** Write requests those commits applied; over {@link #writeCommits}, the mean group's size. */
  private final LongAdder writesCommitted = new LongAdder();

  /** The databases whose files cannot be served now. */
  final UnavailableDatabases unavailable = new UnavailableDatabases();

  /** Statements run, by {@link StatementKind} (indexed by its ordinal). */
  private final LongAdder[] statements = new LongAdder[StatementKind.values().length];

  /** Rows read and written by those statements (the estimates {@code meta} reports). */
  private final LongAdder rowsRead = new LongAdder();

  private final LongAdder rowsWritten = new LongAdder();

  EngineCounters() {
    for (int i = 0; i < statements.length; i++) {
      statements[i] = new LongAdder();
    }
  }

  /** One statement of a request ran (whether or not its request then committed). */
  void statement(StatementKind kind, long read, long written) {
    statements[kind.ordinal()].increment();
    rowsRead.add(read);
    rowsWritten.add(written);
  }

  /** One commit applied {@code requests} write requests. */
  void writesCommitted(int requests) {
    writeCommits.increment();
    writesCommitted.add(requests);
  }

  public long writeCommits() {
    return writeCommits.sum();
  }

  public long writesCommitted() {
    return writesCommitted.sum();
  }

  /** Statements of this kind run since start. */
  public long statements(StatementKind kind) {
    return statements[kind.ordinal()].sum();
  }

  public long rowsRead() {
    return rowsRead.sum();
  }

  public long rowsWritten() {
    return rowsWritten.sum();
  }

  /** The databases whose files are missing or damaged, and why, by id. */
  public java.util.Map<dev.opend1.core.DatabaseId, String> unavailable() {
    return unavailable.snapshot();
  }

  /** How many databases are unavailable now (their files missing or damaged). */
  public int unavailableDatabases() {
    return unavailable.count();
  }

  /** When the latest complete checkpoint ended (epoch milliseconds), 0 before the first. */
  public long lastCheckpointMillis() {
    return lastCheckpointMillis.get();
  }

  public int queuedWrites() {
    return queuedWrites.get();
  }

  public long overloads() {
    return overloads.sum();
  }

  /** Read requests refused with 429 because every read connection stayed busy. */
  public long busyReaders() {
    return busyReaders.sum();
  }

  /** Read requests waiting for a read connection now. */
  public int waitingReads() {
    return waitingReads.get();
  }

  public long checkpoints() {
    return checkpoints.sum();
  }

  public long checkpointNanos() {
    return checkpointNanos.sum();
  }
}
