package dev.opend1.service;

import dev.opend1.engine.Engine;
import dev.opend1.history.History;
import java.time.Duration;

/**
 * The disk figures operators watch: bytes of the databases, of their history, and free in the data
 * directory's file system. The first two walk every database directory, so they are measured at
 * most once per {@link #REFRESH} however often Prometheus scrapes or someone asks {@code /status};
 * free space is a single call and always current.
 */
final class DiskFigures {

  /** How long a walk's result is reused. */
  static final Duration REFRESH = Duration.ofSeconds(30);

  private final Engine engine;
  private final History history;

  /** Guards the cached walk below; held while one walk runs, so two scrapes never walk twice. */
  private final Object lock = new Object();

  private long measuredAtNanos;
  private long databaseBytes;
  private long historyBytes;
  private boolean measured;

  DiskFigures(Engine engine, History history) {
    this.engine = engine;
    this.history = history;
  }

  long databaseBytes() {
    synchronized (lock) {
      refresh();
      return databaseBytes;
    }
  }

  long historyBytes() {
    synchronized (lock) {
      refresh();
      return historyBytes;
    }
  }

  long freeBytes() {
    return engine.freeBytes();
  }

  private void refresh() {
    long now = System.nanoTime();
    if (measured && now - measuredAtNanos < REFRESH.toNanos()) {
      return;
    }
    databaseBytes = engine.databaseBytes();
    historyBytes = history.diskBytes();
    measuredAtNanos = now;
    measured = true;
  }
}
