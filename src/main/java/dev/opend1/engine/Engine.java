package dev.opend1.engine;

import static dev.opend1.engine.Waits.await;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's hub: owns every database's files under {@code DATA_DIR/db/<uuid>/} ({@code
 * db.sqlite} and the catalog's {@code meta.json}; made and removed by {@link DatabaseDirectories})
 * and runs user SQL on them.
 *
 * <p>Writes queue for a database's single writer, which runs on the engine's own platform threads
 * ({@link #workers}). A read request runs on its caller's thread, which must be a platform thread
 * (sqlite-jdbc's calls are JNI and synchronized, which pin a virtual thread to its carrier): the
 * HTTP edge serves requests on a bounded pool of them, and a read holds one of its database's few
 * read connections for its duration. The writer commits the write requests that queue behind it in
 * groups ({@link WriteGroups}).
 */
public final class Engine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** Memory a held result may use before it spills to a temporary file. */
  private static final int RESULT_MEMORY_BYTES = 8 * 1024 * 1024;

  /** Default disk one request's held or unsent results may use (max-spill-bytes-per-request). */
  public static final long DEFAULT_SPILL_PER_REQUEST = 1_000_000_000L;

  /** Default disk all requests' held or unsent results may use together (max-spill-bytes). */
  public static final long DEFAULT_SPILL_TOTAL = 10_000_000_000L;

  /** Default disk past states may add (past-state-cache-bytes). */
  public static final long DEFAULT_PAST_STATE_BYTES = 1_000_000_000L;

  /** Read connections per open database. */
  private static final int READERS_PER_DATABASE = 4;

  /** Makes, updates and removes the databases' directories. */
  private final DatabaseDirectories directories;

  private final Path tmpRoot;
  private final SqlLimits limits;

  /** The disk held and streamed results may use in {@link #tmpRoot}. */
  private final SpillSpace spill;

  /** The platform threads all SQLite work of user requests runs on. */
  private final ExecutorService workers;

  /** Package-private so that tests can hold a database's writer ({@code WriterHold}). */
  final HandleCache handles;

  /** States of databases at past bookmarks, for reads as of one. */
  private final PastStates past;

  /** How long a database may go unused before its connections close. */
  public static final Duration IDLE_CLOSE = Duration.ofSeconds(60);

  /** Closes idle databases every few seconds (a daemon thread; nothing else runs on it). */
  private final ScheduledExecutorService idleSweeper;

  /** Totals for operators: queue depth, overloads, checkpoints. */
  private final EngineCounters counters = new EngineCounters();

  /** Told of every database's lifecycle and commits (the history). */
  private final CommitHook hook;

  /** An engine with D1's limits, default sizes and no history, for tools and tests. */
  public Engine(Path dataDir) {
    this(dataDir, SqlLimits.d1(), 16, 256, CommitHook.NONE);
  }

  /** An engine with the default bounds on held results. */
  public Engine(
      Path dataDir, SqlLimits limits, int workerThreads, int maxOpenDatabases, CommitHook hook) {
    this(
        dataDir,
        limits,
        workerThreads,
        maxOpenDatabases,
        hook,
        DEFAULT_SPILL_PER_REQUEST,
        DEFAULT_SPILL_TOTAL,
        DEFAULT_PAST_STATE_BYTES);
  }

  /**
   * @param workerThreads platform threads for SQLite work
   * @param maxOpenDatabases open database handles kept before idle ones are closed
   * @param maxSpillPerRequest disk one request's held or unsent results may use
   * @param maxSpillTotal disk all requests' held or unsent results may use together
   * @param maxPastStateBytes disk the cached past states may add
   */
  public Engine(
      Path dataDir,
      SqlLimits limits,
      int workerThreads,
      int maxOpenDatabases,
      CommitHook hook,
      long maxSpillPerRequest,
      long maxSpillTotal,
      long maxPastStateBytes) {
    this.hook = hook;
    DataLayout layout = new DataLayout(dataDir);
    this.directories = new DatabaseDirectories(layout, hook);
    this.tmpRoot = layout.tmpDir();
    this.limits = limits;
    this.spill = new SpillSpace(tmpRoot, maxSpillPerRequest, maxSpillTotal);
    this.workers = DaemonPools.fixed("opend1-sql", workerThreads);
    this.handles =
        new HandleCache(
            maxOpenDatabases,
            directories::file,
            limits,
            hook,
            workers,
            READERS_PER_DATABASE,
            counters);
    this.past =
        new PastStates(layout.pastStatesDir(), maxPastStateBytes, limits, workers, counters);
    this.idleSweeper = DaemonPools.scheduled("opend1-idle-close");
    idleSweeper.scheduleWithFixedDelay(
        () -> closeIdleDatabases(IDLE_CLOSE), 10, 10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * Closes the connections of every database unused for {@code idleFor} (the server does this for
   * {@link #IDLE_CLOSE} on its own); the next request opens them again. Returns how many closed.
   */
  public int closeIdleDatabases(Duration idleFor) {
    try {
      return handles.closeIdle(idleFor.toNanos());
    } catch (RuntimeException e) {
      LOG.warn("closing idle databases failed: {}", e.getMessage());
      return 0;
    }
  }

  /**
   * Runs a request's statements as one transaction and delivers the results to {@code sink}. A read
   * runs on the calling thread (a platform thread: sqlite-jdbc's JNI calls would pin a virtual
   * one), on one of the database's read connections; a write waits for the database's writer.
   *
   * @param readOnly the caller may only read: a statement that would write is refused
   * @throws D1Exception for SQL errors, refusals and overload
   */
  public void execute(DatabaseId id, List<QueryInput> inputs, boolean readOnly, ResultSink sink) {
    QueryPlan plan = QueryPlan.of(inputs, limits.compat());
    if (plan.needsWriter && readOnly) {
      throw new D1Exception.ReadOnlyToken("run statements that write");
    }
    DatabaseHandle h = handles.enter(id);
    try {
      if (!plan.needsWriter) {
        // On the calling thread: a hop to the engine's threads and back costs two wake-ups.
        boolean wrote = Execution.onReader(h, plan, sink, limits);
        if (!wrote) {
          return;
        }
        if (readOnly) {
          throw new D1Exception.ReadOnlyToken("run statements that write");
        }
        if (!sink.reset()) {
          throw new D1Exception.SqlFailed("attempt to write a readonly database: SQLITE_READONLY");
        }
      }
      try {
        Bookmark at = await(h.groups.submit(plan, sink));
        if (at != null) {
          sink.durable(at);
        }
      } catch (WriteGroups.NotDurable e) {
        h.broken = true;
        RuntimeException cause =
            e.getCause() instanceof RuntimeException re
                ? re
                : new EngineException(e.getMessage(), e.getCause());
        LOG.error(
            "a commit to {} could not be made durable; rebuilding it from its history", id, cause);
        throw SqlErrors.notDurable(cause);
      }
    } finally {
      leave(h);
    }
  }

  /**
   * Runs a request's statements read-only against the state of {@code id} at {@code at}, made from
   * {@code image} unless it is cached ({@link PastStates}); a statement that writes is refused.
   */
  public void executeAsOf(
      DatabaseId id,
      Bookmark at,
      Supplier<StateImage> image,
      List<QueryInput> inputs,
      ResultSink sink) {
    past.execute(id, at, image, QueryPlan.of(inputs, limits.compat()), sink);
  }

  /** Like {@link #snapshotRead}, over the state of {@code id} at {@code at} (an export of it). */
  public <T> T snapshotReadAsOf(
      DatabaseId id,
      Bookmark at,
      Supplier<StateImage> image,
      Runnable atSnapshot,
      ExportWork<T> work) {
    return past.snapshotRead(id, at, image, atSnapshot, work);
  }

  /** Runs {@code work} on the states of {@code id} at {@code from} and {@code to} (a diff). */
  public <T> T diff(
      DatabaseId id,
      Bookmark from,
      Bookmark to,
      java.util.function.Function<Bookmark, StateImage> images,
      StateDiff.Work<T> work) {
    return past.diff(id, from, to, images, work);
  }

  /** Disk the cached past states add, and how many there are (for tests and figures). */
  public long[] pastStateFigures() {
    return new long[] {past.bytes(), past.size()};
  }

  /**
   * Pauses a database so its file can be replaced (for a restore): new requests wait, running ones
   * get {@code grace} and are then interrupted, and its connections close. Close the pause on the
   * same thread; the database reopens on its next request.
   */
  public PausedDatabase pause(DatabaseId id, Duration grace) throws InterruptedException {
    DatabaseHandle h = handles.acquire(id);
    try {
      h.pause(grace);
    } catch (InterruptedException | RuntimeException e) {
      handles.release(h);
      throw e;
    }
    return new PausedDatabase(
        h.file,
        () -> {
          try {
            h.resume();
          } finally {
            handles.release(h);
          }
        });
  }

  /**
   * Runs {@code work} in a read transaction (for an export): consistent at the moment {@code
   * atSnapshot} runs, while writes go on. A restore interrupts it ({@link InterruptedByRestore}).
   */
  public <T> T snapshotRead(DatabaseId id, Runnable atSnapshot, ExportWork<T> work) {
    DatabaseHandle h = handles.enter(id);
    try {
      return await(
          CompletableFuture.supplyAsync(
              () -> Execution.snapshotRead(h, atSnapshot, work), workers));
    } finally {
      leave(h);
    }
  }

  /**
   * Runs {@code work} as one transaction on the database's writer (for an import): other writes
   * queue behind it, reads go on, and a restore waits for it. Returns when it is durable, before
   * the checkpoint of its pages, which the writer runs next.
   *
   * @param liftedStatementBytes the longest statement an import may hold when the SQL dialect is
   *     SQLite's; in D1's, statements are held to D1's limit, as D1's import holds them
   */
  public <T> Imported<T> importTransaction(
      DatabaseId id, int liftedStatementBytes, Duration timeout, ImportWork<T> work) {
    int maxStatementBytes =
        limits.compat() == dev.opend1.core.SqlCompat.D1
            ? limits.maxStatementBytes()
            : liftedStatementBytes;
    DatabaseHandle h = handles.enter(id);
    h.imports.incrementAndGet();
    try {
      CompletableFuture<Execution.ImportCommit<T>> task =
          h.writes.submit(
              () -> Execution.importOnWriter(h, limits, maxStatementBytes, timeout, work));
      // Answered once durable, without waiting for its pages' copy into the file.
      h.checkpointNext();
      Execution.ImportCommit<T> done = await(task);
      try {
        await(done.durable());
      } catch (RuntimeException e) {
        h.broken = true;
        throw SqlErrors.notDurable(e);
      }
      return done.imported();
    } finally {
      h.imports.decrementAndGet();
      leave(h);
    }
  }

  /**
   * Ends a request's use of a database's handle. A handle whose commit could not be made durable,
   * or whose files turned out missing or damaged, is closed once its requests are done, so the next
   * request opens the database afresh (from its history, or from files an operator restored).
   */
  private void leave(DatabaseHandle h) {
    h.gate.readLock().unlock();
    handles.release(h);
    if (h.broken || h.unavailable) {
      handles.closeIfCurrent(h, 5_000);
    }
  }

  /** A directory for temporary files (cleared at start). */
  public Path tmpDir() {
    try {
      java.nio.file.Files.createDirectories(tmpRoot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tmpRoot;
  }

  /** A buffer for results that must wait for their commit. */
  public SpillBuffer newResultBuffer() {
    return new SpillBuffer(spill, RESULT_MEMORY_BYTES);
  }

  /** A pipe that carries a streamed read's results to a client of any speed. */
  public ResultPipe newResultPipe() {
    return new ResultPipe(spill);
  }

  /** The disk held and streamed results use now, over every request. */
  public long spilledBytes() {
    return spill.used();
  }

  /** Makes the databases' directory at start (DataDirectory.acquire emptied trash/, tmp/). */
  public void recover() {
    directories.recover();
  }

  /** True when the database's directory exists. */
  public boolean exists(DatabaseId id) {
    return directories.exists(id);
  }

  /**
   * Creates an empty database (WAL mode, D1's {@code _cf_KV}) with its metadata file. A leftover
   * directory of the same id is replaced.
   */
  public void createDatabase(DatabaseId id, byte[] metadata) {
    directories.create(id, metadata);
  }

  /**
   * Creates a database whose file holds {@code image} (a branch's past state, or a state recovered
   * from object storage), with its metadata file; its history starts at that state. A leftover
   * directory of the same id is replaced; on failure nothing of it is left.
   */
  public void createDatabase(DatabaseId id, StateImage image, byte[] metadata) {
    directories.create(id, image, metadata);
  }

  /** Replaces the database's metadata file. */
  public void writeMetadata(DatabaseId id, byte[] metadata) {
    directories.writeMetadata(id, metadata);
  }

  /**
   * Has the history record that a database is about to be deleted (object storage's deletion mark),
   * before anything of it goes.
   *
   * @throws D1Exception.BackupUnavailable when the store cannot take the mark: delete nothing
   */
  public void announceDelete(DatabaseId id) {
    try {
      hook.deleting(id);
    } catch (IOException e) {
      throw D1Exception.BackupUnavailable.in(e)
          .map(RuntimeException.class::cast)
          .orElseGet(() -> new EngineException("delete database " + id + ": " + e.getMessage(), e));
    }
  }

  /** Removes a database's files; a missing database is fine. */
  public void deleteDatabase(DatabaseId id) {
    handles.close(id, 5_000);
    past.forget(id);
    hook.deleted(id);
    directories.delete(id);
  }

  /**
   * Closes a database to open it again from its files at its next use (a cluster node taking it
   * over): as before a delete, its running requests get 5 s, and its past states and what the
   * history holds open of it ({@link CommitHook#reopening}) are dropped; with {@code replacement},
   * its directory is then replaced by that one. The caller keeps new requests away meanwhile.
   */
  public void reopen(DatabaseId id, Optional<Path> replacement) throws IOException {
    handles.close(id, 5_000);
    past.forget(id);
    hook.reopening(id);
    if (replacement.isPresent()) {
      directories.replace(id, replacement.get());
    }
  }

  /** Live size and table count, read on one of the database's read connections. */
  public DatabaseStats stats(DatabaseId id) {
    DatabaseHandle h = handles.enter(id);
    try {
      return await(CompletableFuture.supplyAsync(() -> Execution.stats(h), workers));
    } finally {
      leave(h);
    }
  }

  /**
   * SQLite's {@code PRAGMA integrity_check} of a database, on one of its read connections while it
   * serves (the online {@code opend1 doctor}); empty when healthy.
   */
  public List<String> integrityProblems(DatabaseId id) {
    DatabaseHandle h = handles.enter(id);
    try {
      return await(CompletableFuture.supplyAsync(() -> Execution.integrity(h), workers));
    } finally {
      leave(h);
    }
  }

  /**
   * Looks at a database's files without opening it (at start, for every database of the catalog):
   * one that is missing or damaged is marked unavailable, which logs it once. True when it looks
   * usable.
   */
  public boolean probe(DatabaseId id) {
    String problem = UnavailableDatabases.problem(directories.file(id));
    if (problem != null) {
      counters.unavailable.mark(id, problem);
    }
    return problem == null;
  }

  /** Queue depth, overloads and checkpoints, for the metrics endpoint. */
  public EngineCounters counters() {
    return counters;
  }

  /** Open database handles (each holds connections). */
  public int openDatabases() {
    return handles.size();
  }

  /**
   * Bytes of the engine's own files of every database: {@code db.sqlite}, its WAL and shared
   * memory, {@code meta.json} (the files directly in {@code db/<uuid>/}; the history keeps its own
   * below). Walks the directories: call it now and then, not per request.
   */
  public long databaseBytes() {
    return directories.bytes();
  }

  /** Bytes free for this process in the file system of the data directory. */
  public long freeBytes() {
    return directories.freeBytes();
  }

  /** SQL work waiting for one of the engine's threads ({@code --sql-threads}). */
  public int sqlTasksWaiting() {
    return workers instanceof java.util.concurrent.ThreadPoolExecutor pool
        ? pool.getQueue().size()
        : 0;
  }

  @Override
  public void close() {
    idleSweeper.shutdownNow();
    handles.closeAll();
    past.close();
    workers.shutdown();
  }
}
