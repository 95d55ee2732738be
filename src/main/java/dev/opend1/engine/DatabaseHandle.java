package dev.opend1.engine;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open database: a single writer connection that every write request queues for, and a small
 * pool of read-only connections. Opened on first use (after the commit hook has made the file what
 * the history says) and closed when the handle cache evicts it, so an idle database holds no
 * connection.
 *
 * <p>Requests hold {@link #gate}'s read lock while they run; {@link #pause} takes its write lock so
 * a restore can replace the file: new requests wait, running ones get a grace period and are then
 * interrupted.
 */
final class DatabaseHandle {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseHandle.class);

  /** WAL size past which the writer checkpoints after a commit. */
  private static final long CHECKPOINT_WAL_BYTES = 4L * 1024 * 1024;

  /** WAL growth after a checkpoint before the next one (see {@link #maybeCheckpoint}). */
  private static final long CHECKPOINT_GROWTH_BYTES = 1024 * 1024;

  /** The WAL file's size at the latest checkpoint, 0 once SQLite restarted it. Writer only. */
  private long walSizeAtCheckpoint;

  final DatabaseId id;
  final Path file;
  private final SqlLimits limits;
  private final CommitHook hook;

  /** Serialises write requests; the only code that touches {@link #writer}. */
  final SerialQueue writes;

  /** Write requests waiting to be run, in groups, by tasks of {@link #writes}. */
  final WriteGroups groups;

  /** Guarded by {@link #writes}: only a task of that queue uses it. */
  private SqlConnection writer;

  /** Guarded by {@link #writes}: when the latest captured commit is durable. */
  private CompletableFuture<Bookmark> lastDurable = CompletableFuture.completedFuture(null);

  /** Idle read connections; at most {@link #readerPermits}' count exist. */
  private final ArrayBlockingQueue<SqlConnection> idleReaders;

  /** Bounds the read connections in use or idle. */
  private final Semaphore readerPermits;

  /** Connections running a request now: a pause past its grace period interrupts them. */
  private final Set<SqlConnection> active = ConcurrentHashMap.newKeySet();

  /** Requests hold the read lock; a pause (restore) holds the write lock. Fair: pauses win. */
  final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);

  /** Imports running: a restore waits for them instead of interrupting them. */
  final AtomicInteger imports = new AtomicInteger();

  /** Set while a pause interrupts running requests, so they can say why. */
  volatile boolean interruptedByPause;

  /** Set when the cache dropped this handle: requests that still hold it must take a new one. */
  volatile boolean closed;

  /** Set when a commit could not be made durable: the handle must be closed and rebuilt. */
  volatile boolean broken;

  /**
   * Set when the database's files turned out missing or damaged: the handle is dropped after the
   * request, so the next one looks at the files again (an operator may have restored them).
   */
  volatile boolean unavailable;

  /**
   * The writer's {@code last_insert_rowid()} after its latest statement or request, failed ones
   * included ({@link Execution}); 0 for a newly opened writer, as for any new SQLite connection.
   * Reads report it too, so {@code last_row_id} is sticky across requests as in D1, whose database
   * has one connection.
   */
  volatile long lastRowId;

  /**
   * The database's size in bytes as of the writer's latest statement, or -1 before anyone measured
   * it. Reads report it as {@code size_after} instead of asking SQLite for the page count, which
   * would cost each single-statement read a second read transaction.
   */
  volatile long sizeBytes = -1;

  /** The engine's totals, which this database's work adds to. */
  final EngineCounters counters;

  /** When the latest request released this handle ({@link System#nanoTime}). */
  volatile long lastUsedNanos = System.nanoTime();

  /** Requests using this handle; it is closed only at zero. */
  final AtomicInteger users = new AtomicInteger();

  /**
   * Completes once the writer is open: read connections need the WAL index it creates. A failed
   * open (a full disk under a recovery) is not kept: the next read after {@link #REOPEN_AFTER}
   * tries again, so the database serves as soon as the cause is gone.
   */
  private volatile CompletableFuture<SqlConnection> writerOpened;

  /** When the latest open of the writer failed ({@link System#nanoTime}). */
  private volatile long writerOpenFailedAt;

  /**
   * Read requests that may wait for one of the database's read connections at once; one more is
   * refused as overloaded. Each holds one of the HTTP server's bounded pool of threads, so a
   * database whose reads are slow cannot take them all.
   */
  static final int MAX_WAITING_READS = 32;

  /** Read requests waiting for a read connection now. */
  private final AtomicInteger waitingReads = new AtomicInteger();

  /** How long reads answer a failed open's error before they try to open again. */
  static final Duration REOPEN_AFTER = Duration.ofSeconds(1);

  DatabaseHandle(
      DatabaseId id,
      Path file,
      SqlLimits limits,
      CommitHook hook,
      Executor workers,
      int maxReaders,
      EngineCounters counters) {
    this.counters = counters;
    this.id = id;
    this.file = file;
    this.limits = limits;
    this.hook = hook;
    this.writes = new SerialQueue(workers, limits.maxQueuedWrites(), counters);
    this.groups = new WriteGroups(this, limits);
    this.idleReaders = new ArrayBlockingQueue<>(maxReaders);
    this.readerPermits = new Semaphore(maxReaders);
    this.writerOpened = hook == null ? CompletableFuture.completedFuture(null) : openWriter();
  }

  /**
   * A handle over a past state's file ({@link PastStates}): read connections only. It has no writer
   * and no hook, so nothing ever prepares, writes or checkpoints the file.
   */
  static DatabaseHandle past(
      DatabaseId id,
      Path file,
      SqlLimits limits,
      Executor workers,
      int maxReaders,
      EngineCounters counters) {
    return new DatabaseHandle(id, file, limits, null, workers, maxReaders, counters);
  }

  /** Queues the writer's opening (it recovers the file first) on the writer's queue. */
  private CompletableFuture<SqlConnection> openWriter() {
    CompletableFuture<SqlConnection> f = writes.submitInternal(this::writer);
    f.whenComplete(
        (c, e) -> {
          if (e != null) {
            writerOpenFailedAt = System.nanoTime();
          }
        });
    return f;
  }

  /** The writer's opening, tried again when the latest attempt failed a while ago. */
  private CompletableFuture<SqlConnection> writerOpening() {
    CompletableFuture<SqlConnection> f = writerOpened;
    if (f.isCompletedExceptionally()
        && System.nanoTime() - writerOpenFailedAt >= REOPEN_AFTER.toNanos()) {
      // The handle's monitor only makes two reads that see the failure start one new opening.
      synchronized (this) {
        if (writerOpened == f) {
          writerOpened = openWriter();
        }
        f = writerOpened;
      }
    }
    return f;
  }

  /**
   * The writer connection, opened on first use after the hook recovered the file. Call only from a
   * task of {@link #writes}.
   */
  SqlConnection writer() throws SQLException {
    if (hook == null) {
      throw new SQLException("a past state has no writer: SQLITE_READONLY");
    }
    if (writer == null) {
      String problem = UnavailableDatabases.problem(file);
      if (problem != null) {
        unavailable = true;
        throw counters.unavailable.mark(id, problem);
      }
      try {
        DatabaseFile.recover(id, file, hook, counters.unavailable);
      } catch (dev.opend1.core.D1Exception.DatabaseUnavailable e) {
        unavailable = true;
        throw e;
      }
      try {
        writer = openConnection(false);
        lastRowId = 0;
      } catch (SQLException e) {
        if (SqlErrors.isDamaged(e)) {
          unavailable = true;
          throw counters.unavailable.mark(
              id, "its database file is damaged: " + SqlErrors.describe(e));
        }
        throw e;
      }
      counters.unavailable.clear(id);
    }
    return writer;
  }

  /**
   * Opens a connection. SQLite needs disk to open one (its shared-memory index, 32 KB): on a disk
   * below its floor, a failure says the disk is full, whatever I/O error SQLite names.
   */
  private SqlConnection openConnection(boolean readOnly) throws SQLException {
    try {
      return SqlConnection.open(file, readOnly, limits);
    } catch (SQLException e) {
      if (DiskSpace.of(file).isLow()) {
        throw new SQLException(
            "open " + id + ": " + e.getMessage(), new IOException("No space left on device", e));
      }
      throw e;
    }
  }

  /** After a commit, on the writer's thread: hands the commit to the hook for capture. */
  CompletableFuture<Bookmark> committed() {
    CompletableFuture<Bookmark> durable;
    try {
      durable = hook.afterCommit(id, file);
    } catch (IOException | RuntimeException e) {
      durable = CompletableFuture.failedFuture(e);
    }
    lastDurable = durable;
    return durable;
  }

  /**
   * Waits up to {@code nanos} for the latest captured commit to be durable (whether it succeeds or
   * fails: its own requests are answered with that). Call only from a task of {@link #writes}.
   */
  void awaitDurable(long nanos) {
    CompletableFuture<Bookmark> last = lastDurable;
    if (last.isDone()) {
      return;
    }
    try {
      last.get(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Failed or still running: the round goes on either way.
    }
  }

  /**
   * Checkpoints once the WAL has grown past its bound, and only once every captured commit is
   * durable, so the database file never holds a commit the history could lose. Call only from a
   * task of {@link #writes}.
   */
  void maybeCheckpoint() {
    try {
      Path wal = DataLayout.wal(file);
      if (writer != null) {
        // The writer sets journal_size_limit=0, so SQLite truncates the WAL whenever it restarts
        // it from the start after a complete checkpoint: the size is then what was written since.
        // While readers keep it from restarting, the file only grows; checkpointing again after
        // every commit would cost an fsync each, so the next one waits for some growth. One stat
        // call: no WAL (none written yet) is as good as an empty one.
        long size;
        try {
          size = Files.size(wal);
        } catch (NoSuchFileException none) {
          return;
        }
        if (size < walSizeAtCheckpoint) {
          walSizeAtCheckpoint = 0;
        }
        if (size > Math.max(CHECKPOINT_WAL_BYTES, walSizeAtCheckpoint + CHECKPOINT_GROWTH_BYTES)) {
          checkpoint("PASSIVE");
          walSizeAtCheckpoint = size;
        }
      }
    } catch (IOException | SQLException | RuntimeException e) {
      LOG.warn("checkpoint of {} failed: {}", id, e.getMessage());
    }
  }

  /**
   * Queues {@link #maybeCheckpoint} as the writer's next task, for work (an import) whose answer
   * need not wait for the copy of its pages into the file: it is durable in the history and the
   * WAL, and every connection reads the WAL first.
   */
  void checkpointNext() {
    writes.submitInternal(
        () -> {
          maybeCheckpoint();
          return null;
        });
  }

  private void checkpoint(String mode) throws SQLException, IOException {
    lastDurable.join();
    long start = System.nanoTime();
    try (Statement st = writer.jdbc().createStatement();
        ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      boolean complete = rs.getInt(1) == 0 && rs.getInt(2) == rs.getInt(3);
      if (complete) {
        hook.afterCheckpoint(id);
        counters.checkpoints.increment();
        counters.checkpointNanos.add(System.nanoTime() - start);
        counters.lastCheckpointMillis.set(System.currentTimeMillis());
      }
    }
  }

  /** A read connection; waits while all are in use. */
  SqlConnection acquireReader() throws SQLException, InterruptedException {
    readerPermits.acquire();
    return takeReader();
  }

  /**
   * A read connection for a request, which runs on its caller's thread. While all are in use it
   * waits, up to {@code waitNanos} (the request's time limit), behind at most {@link
   * #MAX_WAITING_READS} other reads; past either bound the request is refused as overloaded (HTTP
   * 429), as a full write queue is, rather than holding more of the HTTP server's threads.
   */
  SqlConnection acquireReader(long waitNanos) throws SQLException, InterruptedException {
    if (!readerPermits.tryAcquire()) {
      if (waitingReads.incrementAndGet() > MAX_WAITING_READS) {
        waitingReads.decrementAndGet();
        throw busyReaders();
      }
      counters.waitingReads.incrementAndGet();
      try {
        if (!readerPermits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
          throw busyReaders();
        }
      } finally {
        waitingReads.decrementAndGet();
        counters.waitingReads.decrementAndGet();
      }
    }
    return takeReader();
  }

  private dev.opend1.core.D1Exception.Overloaded busyReaders() {
    counters.busyReaders.increment();
    return new dev.opend1.core.D1Exception.Overloaded();
  }

  /** An idle read connection, or a new one; the caller holds a permit, given back on failure. */
  private SqlConnection takeReader() throws SQLException {
    SqlConnection c = idleReaders.poll();
    if (c != null) {
      return c;
    }
    try {
      Waits.await(writerOpening());
      return openConnection(true);
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

  /** Marks a connection as running a request (so a pause can interrupt it), or done. */
  void running(SqlConnection c, boolean running) {
    if (running) {
      active.add(c);
    } else {
      active.remove(c);
    }
  }

  /**
   * Pauses the database and closes its connections, so its file may be replaced: new requests wait;
   * running ones get {@code grace} to finish and are then interrupted. The writer does not
   * checkpoint (the file is about to be replaced, and its WAL is wholly in the history). Call
   * {@link #resume} on the same thread.
   */
  void pause(Duration grace) throws InterruptedException {
    ReentrantReadWriteLock.WriteLock lock = gate.writeLock();
    if (imports.get() > 0) {
      lock.lock();
    } else if (!lock.tryLock(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      interruptedByPause = true;
      for (SqlConnection c : active) {
        c.setDeadline(System.nanoTime());
      }
      lock.lock();
    }
    try {
      interruptedByPause = false;
      closeConnections(false);
    } catch (RuntimeException e) {
      resume();
      throw e;
    }
  }

  /** Ends a {@link #pause}: the writer reopens (after the file is prepared), requests go on. */
  void resume() {
    try {
      writerOpened = openWriter();
    } finally {
      gate.writeLock().unlock();
    }
  }

  /**
   * Closes every connection once all the writer captured is durable; with {@code checkpoint}, the
   * writer first copies its WAL into the file.
   */
  private void closeConnections(boolean checkpoint) {
    sizeBytes = -1;
    for (SqlConnection c; (c = idleReaders.poll()) != null; ) {
      closeQuietly(c);
    }
    try {
      writes
          .submitInternal(
              () -> {
                if (writer != null) {
                  try {
                    if (checkpoint && !broken) {
                      checkpoint("TRUNCATE");
                    } else if (!broken) {
                      lastDurable.join();
                    }
                  } catch (IOException | SQLException | RuntimeException e) {
                    LOG.warn("final checkpoint of {}: {}", id, e.getMessage());
                  }
                  closeQuietly(writer);
                  writer = null;
                  hook.writerClosed(id);
                }
                return null;
              })
          .join();
    } catch (RuntimeException e) {
      LOG.warn("closing writer of {}: {}", id, e.getMessage());
    }
  }

  /** Closes every connection. Call when no request uses the handle. */
  void close() {
    closeConnections(true);
  }

  private static void closeQuietly(SqlConnection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.warn("close connection: {}", e.getMessage());
    }
  }
}
