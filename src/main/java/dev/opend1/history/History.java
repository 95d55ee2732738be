package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.CommitHook;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.DiskUsage;
import dev.opend1.engine.StateImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history hub: one {@link DatabaseHistory} per database, kept open for the server's life; the
 * engine's {@link CommitHook}; and the time-travel operations the API calls.
 */
public final class History implements CommitHook, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(History.class);

  /** Where each database's history and file are. */
  private final DataLayout layout;

  private final Duration retention;

  /** Open histories by database. */
  private final Map<DatabaseId, DatabaseHistory> open = new ConcurrentHashMap<>();

  /**
   * Runs fsync rounds (group commit) for the databases whose history also uploads at its sync; a
   * local history's fsync runs on the committing thread ({@link HistoryStore#syncsLocally}).
   */
  private final ExecutorService syncer;

  /** Takes snapshots and prunes, off the writer's path. One at a time per database. */
  private final ExecutorService maintenance;

  private final Map<DatabaseId, Boolean> maintaining = new ConcurrentHashMap<>();

  /** Totals over every database's history, for the metrics endpoint. */
  private final HistoryCounters counters = new HistoryCounters();

  public History(Path dataDir, Duration retention) {
    this(dataDir, retention, LocalHistoryStore::new, null, WriteGate.ALWAYS);
  }

  /**
   * A history that also ships every database's history to object storage ({@code replication}
   * starts its shipper here and is closed with the history).
   */
  public History(Path dataDir, Duration retention, Replication replication) {
    this(dataDir, retention, replication, WriteGate.ALWAYS);
  }

  /**
   * As {@link #History(Path, Duration, Replication)}, capturing a commit only while {@code gate}
   * allows it (a cluster node's lease on the database).
   */
  public History(Path dataDir, Duration retention, Replication replication, WriteGate gate) {
    this(dataDir, retention, replication::open, replication, gate);
    replication.start();
  }

  /** Where each database's history is kept, given its directory. */
  @FunctionalInterface
  interface StoreFactory {
    HistoryStore open(Path dir) throws IOException;
  }

  private final StoreFactory stores;

  /** Ships the history to object storage; null when none is configured. */
  private final Replication replication;

  /** Whether a commit may be captured. */
  private final WriteGate gate;

  /** Told of each commit once durable; set once the server's edge listens. */
  private volatile DurableCommits durableCommits = DurableCommits.NONE;

  History(Path dataDir, Duration retention, StoreFactory stores) {
    this(dataDir, retention, stores, null, WriteGate.ALWAYS);
  }

  private History(
      Path dataDir,
      Duration retention,
      StoreFactory stores,
      Replication replication,
      WriteGate gate) {
    this.stores = stores;
    this.gate = gate;
    this.layout = new DataLayout(dataDir);
    this.replication = replication;
    this.retention = retention;
    this.syncer = DaemonPools.fixed("opend1-history-sync", 4);
    this.maintenance = DaemonPools.fixed("opend1-history-maintenance", 1);
  }

  /** The history of a database, opened on first use. */
  DatabaseHistory of(DatabaseId id) throws IOException {
    DatabaseHistory h = open.get(id);
    if (h != null) {
      return h;
    }
    synchronized (open) {
      h = open.get(id);
      if (h == null) {
        DataLayout.DatabaseDir dir = layout.database(id);
        HistoryStore store = stores.open(dir.historyDir());
        // A local fsync runs on the thread that commits (HistoryStore.syncsLocally says why).
        Executor syncs = store.syncsLocally() ? Runnable::run : syncer;
        h = DatabaseHistory.open(id.toString(), store, dir.sqliteFile(), syncs, counters);
        open.put(id, h);
      }
      return h;
    }
  }

  /** Tells {@code news} of every commit from now on, once it is durable. */
  public void tellDurable(DurableCommits news) {
    durableCommits = news;
  }

  // --- the engine's hook
  // ----------------------------------------------------------------------------

  @Override
  public void created(DatabaseId id, Path dbFile) throws IOException {
    of(id).initialize(dbFile);
  }

  @Override
  public boolean adopts(DatabaseId id) throws IOException {
    return of(id).records() == 0;
  }

  @Override
  public Optional<StateImage> beforeOpen(DatabaseId id) throws IOException {
    return Optional.of(of(id).recoveryImage());
  }

  @Override
  public void applied(DatabaseId id, StateImage image) throws IOException {
    DatabaseHistory h = of(id);
    h.fileHolds(image.position());
    h.prune(cutoffMicros());
  }

  @Override
  public CompletableFuture<Bookmark> afterCommit(DatabaseId id, Path dbFile) throws IOException {
    DatabaseHistory h = of(id);
    CompletableFuture<Bookmark> durable;
    DurableCommits news = durableCommits;
    boolean admitted = false;
    try {
      if (!gate.mayWrite(id)) {
        throw new IOException(
            "commit to " + id + " not captured",
            new D1Exception.NotOwner(id.toString(), "this node's lease on it lapsed"));
      }
      admitted = true;
      durable = h.capture();
    } catch (IOException | RuntimeException e) {
      if (admitted) {
        gate.settled(id);
      }
      // Whatever the commit changed is in SQLite but not in the history: the file must be rebuilt.
      h.markNeedsRebuild(e);
      throw e;
    }
    durable.whenComplete(
        (at, failed) -> {
          gate.settled(id);
          if (failed == null) {
            news.durable(id, at.seq());
          }
        });
    // The record is appended: from here on nothing may fail the commit, or a write that is in the
    // history would be answered as not applied. A snapshot is only maintenance.
    if (h.snapshotDue() && maintaining.putIfAbsent(id, true) == null) {
      try {
        maintenance.execute(
            () -> {
              try {
                h.snapshot();
                h.prune(cutoffMicros());
              } catch (IOException | RuntimeException e) {
                LOG.warn("snapshot of {} failed: {}", id, e.getMessage());
              } finally {
                maintaining.remove(id);
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        maintaining.remove(id);
      }
    }
    return durable;
  }

  @Override
  public void writerClosed(DatabaseId id) {
    DatabaseHistory h = open.get(id);
    if (h != null) {
      h.writerClosed();
    }
  }

  @Override
  public void afterCheckpoint(DatabaseId id) throws IOException {
    of(id).checkpointed();
  }

  @Override
  public void deleting(DatabaseId id) throws IOException {
    if (replication != null) {
      replication.markDeleted(id.toString());
    }
  }

  @Override
  public void deleted(DatabaseId id) {
    closeOpen(id);
    if (replication != null) {
      replication.deleted(id.toString());
    }
  }

  /**
   * Forgets the open history of a database the engine closed to reopen (its files may be replaced),
   * and its shipping, so both are made again from its files, under the generation in force then.
   * Waits for a snapshot or pruning of it that is running, as {@link #check} does.
   */
  @Override
  public void reopening(DatabaseId id) {
    while (maintaining.putIfAbsent(id, true) != null) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      closeOpen(id);
      if (replication != null) {
        replication.forget(id.toString());
      }
    } finally {
      maintaining.remove(id);
    }
  }

  /** Closes and forgets the database's open history, if it has one. */
  private void closeOpen(DatabaseId id) {
    DatabaseHistory h = open.remove(id);
    if (h != null) {
      try {
        h.close();
      } catch (IOException e) {
        LOG.warn("closing the history of {}: {}", id, e.getMessage());
      }
    }
  }

  private long cutoffMicros() {
    Instant cutoff = Instant.now().minus(retention);
    return cutoff.getEpochSecond() * 1_000_000 + cutoff.getNano() / 1000;
  }

  @Override
  public void close() {
    for (DatabaseHistory h : open.values()) {
      try {
        h.close();
      } catch (IOException e) {
        LOG.warn("closing a history: {}", e.getMessage());
      }
    }
    maintenance.shutdown();
    syncer.shutdown();
    if (replication != null) {
      replication.close();
    }
  }

  /** Where the history is shipped, if anywhere. */
  public Optional<Replication> replication() {
    return Optional.ofNullable(replication);
  }

  /** Records, bytes, snapshots and restores written since start. */
  public HistoryCounters counters() {
    return counters;
  }

  /**
   * Bytes every database's history takes on disk ({@code db/<uuid>/history/}: segments and
   * snapshots). Walks the directories: call it now and then, not per request.
   */
  public long diskBytes() {
    return DiskUsage.overDatabases(
        layout.databasesDir(),
        dir ->
            DiskUsage.bytesUnder(new DataLayout.DatabaseDir(dir).historyDir(), Integer.MAX_VALUE));
  }

  /**
   * Checks one database's history as {@code opend1 doctor} does, while the server runs: no snapshot
   * or pruning of that database runs meanwhile (they rewrite its files); commits may go on (a
   * record being appended is at worst a torn tail, a note).
   */
  public HistoryCheck.Result check(DatabaseId id) throws InterruptedException {
    while (maintaining.putIfAbsent(id, true) != null) {
      Thread.sleep(10);
    }
    try {
      return HistoryCheck.check(id.toString(), layout.database(id).historyDir());
    } finally {
      maintaining.remove(id);
    }
  }

  /** The retention window. */
  public Duration retention() {
    return retention;
  }

  /** The newest bookmark. */
  public Bookmark current(DatabaseId id) throws IOException {
    return of(id).current();
  }
}
