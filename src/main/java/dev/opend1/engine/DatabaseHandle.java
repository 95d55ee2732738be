package dev.opend1.engine;

import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open database: a single writer connection that every write request queues for, and a small
 * pool of read-only connections. Opened on first use and closed when the handle cache evicts it, so
 * an idle database holds no connection.
 */
final class DatabaseHandle {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseHandle.class);

  /** WAL size past which the writer checkpoints after a commit. */
  private static final long CHECKPOINT_WAL_BYTES = 4L * 1024 * 1024;

  final DatabaseId id;
  private final Path file;
  private final SqlLimits limits;

  /** Serialises write requests; the only code that touches {@link #writer}. */
  final SerialQueue writes;

  /** Guarded by {@link #writes}: only a task of that queue uses it. */
  private SqlConnection writer;

  /** Idle read connections; at most {@link #readerPermits}' count exist. */
  private final ArrayBlockingQueue<SqlConnection> idleReaders;

  /** Bounds the read connections in use or idle. */
  private final Semaphore readerPermits;

  /**
   * The writer's {@code last_insert_rowid()} after its latest request. Reads report it too, so
   * {@code last_row_id} is sticky across requests as in D1, whose database has one connection.
   */
  volatile long lastRowId;

  /** Requests using this handle; it is closed only at zero. */
  final AtomicInteger users = new AtomicInteger();

  /** Completes once the writer is open: read connections need the WAL index it creates. */
  private final java.util.concurrent.CompletableFuture<SqlConnection> writerOpened;

  DatabaseHandle(DatabaseId id, Path file, SqlLimits limits, Executor workers, int maxReaders) {
    this.id = id;
    this.file = file;
    this.limits = limits;
    this.writes = new SerialQueue(workers, limits.maxQueuedWrites());
    this.idleReaders = new ArrayBlockingQueue<>(maxReaders);
    this.readerPermits = new Semaphore(maxReaders);
    this.writerOpened = writes.submit(this::writer);
  }

  /** The writer connection, opened on first use. Call only from a task of {@link #writes}. */
  SqlConnection writer() throws SQLException {
    if (writer == null) {
      if (!Files.exists(file)) {
        throw new SQLException("database file " + file + " is missing");
      }
      writer = SqlConnection.open(file, false, limits);
    }
    return writer;
  }

  /**
   * Checkpoints once the WAL has grown past its bound. Call only from a task of {@link #writes}.
   */
  void maybeCheckpoint() {
    try {
      Path wal = file.resolveSibling(file.getFileName() + "-wal");
      if (writer != null && Files.size(wal) > CHECKPOINT_WAL_BYTES) {
        writer.exec("PRAGMA wal_checkpoint(PASSIVE)");
      }
    } catch (java.io.IOException | SQLException e) {
      LOG.warn("checkpoint of {} failed: {}", id, e.getMessage());
    }
  }

  /** A read connection; waits while all are in use. */
  SqlConnection acquireReader() throws SQLException, InterruptedException {
    readerPermits.acquire();
    SqlConnection c = idleReaders.poll();
    if (c != null) {
      return c;
    }
    try {
      writerOpened.join();
      return SqlConnection.open(file, true, limits);
    } catch (SQLException | RuntimeException e) {
      readerPermits.release();
      throw e;
    }
  }

  /** Returns a read connection; a broken one is closed instead of pooled. */
  void releaseReader(SqlConnection c, boolean broken) {
    if (broken || !idleReaders.offer(c)) {
      closeQuietly(c);
    }
    readerPermits.release();
  }

  /** Closes every connection. Call when no request uses the handle. */
  void close() {
    for (SqlConnection c; (c = idleReaders.poll()) != null; ) {
      closeQuietly(c);
    }
    // Closing the last connection checkpoints the WAL into the database and removes it.
    try {
      writes
          .submit(
              () -> {
                if (writer != null) {
                  closeQuietly(writer);
                  writer = null;
                }
                return null;
              })
          .join();
    } catch (RuntimeException e) {
      LOG.warn("closing writer of {}: {}", id, e.getMessage());
    }
  }

  private static void closeQuietly(SqlConnection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.warn("close connection: {}", e.getMessage());
    }
  }
}
