package dev.opend1.history;

import dev.opend1.core.DataLayout;
import dev.opend1.engine.DaemonPools;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every database's history shipped to object storage: one {@link Replica} per database, the
 * background shipper, the catalog's copies and the lag.
 *
 * <p>{@link Durability#SYNC}: a commit is acknowledged only once its record is in the store; the
 * history's group commit makes every commit that arrives while one upload runs share the next one.
 * {@link Durability#ASYNC}: the shipper uploads what is durable locally, in order, as soon as it
 * can; a commit waits only when the lag passes half of {@code maxLag} (a short pause per commit),
 * and fails with 503 past {@code maxLag}, so what a lost machine can take with it stays bounded.
 *
 * <p>The shipper is one daemon thread ({@code opend1-object-store}): it also catches every database
 * up after a restart (records durable here but never shipped) and copies the catalog when it
 * changed. A second one ({@code opend1-object-store-housekeeping}) deletes from the bucket what
 * retention deleted here and merges small log objects ({@link Compaction}).
 */
public final class Replication implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

  /** How often deleted databases past the window are looked for in the bucket. */
  private static final Duration SWEEP_EVERY = Duration.ofHours(1);

  /** When a write is answered. */
  public enum Durability {
    /** After its record is in object storage. */
    SYNC,
    /** After its record is durable on the local disk; shipped within the lag bound. */
    ASYNC
  }

  /**
   * Makes a copy of the catalog and stores it when it changed since the last copy. Called before
   * every shipment, so no write is acknowledged before the accounts, tokens and database records it
   * depends on are in the bucket.
   */
  @FunctionalInterface
  public interface CatalogCopies {
    void storeIfChanged() throws IOException;
  }

  private final ObjectStore store;

  private final DataLayout layout;
  private final Durability durability;
  private final Duration shipEvery;
  private final Duration maxLag;
  private final Duration retention;
  private final CatalogCopies catalog;
  private final WriterGeneration generation;
  private final AutoCloseable resources;
  private final ReplicationCounters counters = new ReplicationCounters();
  private final Map<String, Replica> replicas = new ConcurrentHashMap<>();

  /**
   * The databases found at start whose catch-up has not succeeded yet: the shipper tries again each
   * pass, so a store that was unreachable at start gets the unshipped history (and this server's
   * claim) when it is back, not only with the database's next write. Shipper thread only.
   */
  private final Set<String> catchingUp = new java.util.HashSet<>();

  /** Databases marked deleted in the bucket whose files are being removed. */
  private final Set<String> marked = ConcurrentHashMap.newKeySet();

  /** Runs the shipper loop; one thread. */
  private final ExecutorService shipper;

  /**
   * Runs the bucket's housekeeping (retention's deletes, compaction) once a second; one thread, so
   * the two never meet, and never the shipper's, so a merge of many objects never delays uploads.
   */
  private final ScheduledExecutorService housekeeper;

  /** Wakes the shipper: guards {@link #wake}. */
  private final Object signal = new Object();

  private boolean wake;
  private volatile boolean closed;

  /**
   * @param store where the history goes
   * @param dataDir the data directory ({@code db/<uuid>/history/} are shipped)
   * @param durability when writes are answered
   * @param shipEvery how long the shipper gathers records before an upload (async)
   * @param maxLag past this lag, writes fail (async); half of it slows them
   * @param retention how long the bucket keeps what was deleted
   * @param catalog stores the catalog's copies
   * @param generation the generation each database's objects are written under
   * @param resources closed with the replication (the store's client)
   */
  public Replication(
      ObjectStore store,
      Path dataDir,
      Durability durability,
      Duration shipEvery,
      Duration maxLag,
      Duration retention,
      CatalogCopies catalog,
      WriterGeneration generation,
      AutoCloseable resources) {
    this.store = store;
    this.layout = new DataLayout(dataDir);
    this.durability = durability;
    this.shipEvery = shipEvery;
    this.maxLag = maxLag;
    this.retention = retention;
    this.catalog = catalog;
    this.generation = generation;
    this.resources = resources;
    this.shipper = DaemonPools.fixed("opend1-object-store", 1);
    this.housekeeper = DaemonPools.scheduled("opend1-object-store-housekeeping");
  }

  /** Starts the shipper: every database's unshipped history first, then what commits note. */
  public void start() {
    try {
      if (Files.isDirectory(layout.databasesDir())) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.databasesDir())) {
          for (Path dir : ds) {
            if (Files.isDirectory(new DataLayout.DatabaseDir(dir).historyDir())) {
              replica(dir.getFileName().toString());
            }
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("listing databases to ship: {}", e.getMessage());
    }
    shipper.execute(this::run);
    housekeeper.scheduleWithFixedDelay(this::keepHouse, 1, 1, TimeUnit.SECONDS);
  }

  /** The store the history of {@code dir} ({@code db/<uuid>/history}) is kept in. */
  HistoryStore open(Path dir) throws IOException {
    LocalHistoryStore local = new LocalHistoryStore(dir);
    return new ReplicatedHistoryStore(
        local, replica(dir.getParent().getFileName().toString()), this);
  }

  private Replica replica(String databaseId) {
    return replicas.computeIfAbsent(
        databaseId,
        id -> {
          DataLayout.DatabaseDir dir = layout.database(id);
          return new Replica(
              id,
              store,
              dir.historyDir(),
              dir.metadataFile(),
              generation.of(id),
              generation.leased(),
              counters,
              Replica.CLAIMS_EVERY,
              System::nanoTime);
        });
  }

  Durability durability() {
    return durability;
  }

  /** The catalog copy a shipment must not run ahead of (sync: before the first upload). */
  void catalogFirst() throws IOException {
    catalog.storeIfChanged();
  }

  // --- what the stores report ------------------------------------------------------------------

  void succeeded() {
    counters.recovered();
  }

  /** A shipment failed: logged once per run of failures, counted every time. */
  void failed(Replica r, Exception e) {
    boolean first = counters.lastError() == null;
    counters.failed(e.getMessage());
    if (first) {
      LOG.warn(
          "shipping the history of {} to {}: {}", r.databaseId(), store.describe(), e.getMessage());
    }
  }

  void noted() {
    synchronized (signal) {
      wake = true;
      signal.notifyAll();
    }
  }

  void pruned(Replica r) {
    noted();
  }

  /**
   * Async: holds a commit back while the lag is past half of {@code maxLag}, and fails it past
   * {@code maxLag}: the write is then not applied, and answered 503.
   */
  void throttle(Replica r) throws IOException {
    long lag = lagNanos();
    if (lag > maxLag.toNanos()) {
      throw ReplicatedHistoryStore.unavailable(
          "object storage is "
              + Duration.ofNanos(lag).toMillis()
              + " ms behind, past the bound of "
              + maxLag.toMillis()
              + " ms",
          new IOException(String.valueOf(counters.lastError())));
    }
    if (lag > maxLag.toNanos() / 2) {
      try {
        Thread.sleep(Math.min(100, Math.max(1, maxLag.toMillis() / 20)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A database is about to be deleted: the bucket marks it deleted first, so {@code recover} never
   * brings back a database deleted here (it would, from its metadata, without the mark). The
   * sweep's mark goes first and the database's own mark ({@code deleted-<time>}) last: that one
   * decides, and the sweep removes nothing without it. Its objects stay until retention ends.
   *
   * @throws IOException (a 503 cause) when the store cannot take the marks: delete nothing then
   */
  void markDeleted(String databaseId) throws IOException {
    Instant now = Instant.now();
    byte[] when = now.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String tombstone = BucketNames.tombstone(databaseId, micros(now));
    try {
      store.putIfAbsent(BucketNames.deletion(databaseId, micros(now)), when);
      if (!store.putIfAbsent(tombstone, when)) {
        throw new IOException(tombstone + " exists with other content: another server?");
      }
    } catch (IOException e) {
      try {
        store.delete(tombstone); // the store may have taken it after all: the database stays
      } catch (IOException stillDown) {
        e.addSuppressed(stillDown);
      }
      throw ReplicatedHistoryStore.unavailable(
          "the deletion could not be stored in object storage", e);
    }
    marked.add(databaseId);
  }

  /**
   * A database's files were removed. It was marked in the bucket before ({@link #markDeleted}), but
   * for a create that failed: that one is marked now if the store answers, so whatever of it was
   * uploaded is swept after the window.
   */
  public void deleted(String databaseId) {
    Replica r = replicas.remove(databaseId);
    if (marked.remove(databaseId) || r == null) {
      return;
    }
    try {
      long now = micros(Instant.now());
      byte[] when = Instant.now().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      store.putIfAbsent(BucketNames.deletion(databaseId, now), when);
      store.putIfAbsent(BucketNames.tombstone(databaseId, now), when);
    } catch (IOException e) {
      LOG.warn("marking {} deleted in {}: {}", databaseId, store.describe(), e.getMessage());
    }
  }

  /**
   * Stops shipping a database through its current replica, marking nothing deleted: its history is
   * about to be opened again (the database reopened under a new lease, maybe from a rebuilt copy),
   * and a new replica, under the generation then in force, is made at that open.
   */
  void forget(String databaseId) {
    Replica r = replicas.remove(databaseId);
    if (r != null) {
      r.retire();
    }
  }

  /**
   * Removes from the bucket every database deleted longer ago than the retention window: until then
   * {@code opend1 recover --at} can bring it back.
   */
  void sweepDeleted() throws IOException {
    long cutoff = micros(Instant.now().minus(retention));
    for (ObjectStore.Listed mark : store.list("deleted/")) {
      String rest = mark.name().substring("deleted/".length());
      int dash = rest.indexOf('-');
      if (dash != 16 || Long.parseUnsignedLong(rest.substring(0, 16), 16) >= cutoff) {
        break; // sorted by time: the rest are younger
      }
      String id = rest.substring(dash + 1);
      String prefix = BucketNames.database(id);
      List<ObjectStore.Listed> objects = store.list(prefix);
      boolean tombstoned =
          objects.stream()
              .anyMatch(
                  o -> BucketNames.tombstoneTime(o.name().substring(prefix.length())).isPresent());
      if (tombstoned) {
        for (ObjectStore.Listed o : objects) {
          store.delete(o.name());
        }
        LOG.info("removed deleted database {} from {}", id, store.describe());
      }
      // Without its own mark the delete never happened (the store failed midway): only the mark
      // goes.
      store.delete(mark.name());
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  // --- the lag ---------------------------------------------------------------------------------

  /**
   * The oldest unshipped byte's wait over every database, in nanoseconds. A fenced database is left
   * out: it is never shipped again by this server and refuses writes, and its growing lag must not
   * hold back the others' writes ({@link #throttle}); the status lists it as fenced.
   */
  public long lagNanos() {
    long max = 0;
    for (Replica r : replicas.values()) {
      if (r.fenced() == null) {
        max = Math.max(max, r.lagNanos());
      }
    }
    return max;
  }

  /** Bytes durable here and not yet shipped, over every database. */
  public long lagBytes() {
    long sum = 0;
    for (Replica r : replicas.values()) {
      sum += r.lagBytes();
    }
    return sum;
  }

  /** The store the history is shipped to (read by {@code opend1 recover --database}). */
  public ObjectStore store() {
    return store;
  }

  /** Uploads, bytes, failures and fenced databases since start. */
  public ReplicationCounters counters() {
    return counters;
  }

  /** What the history is shipped to and how, for the status. */
  public String describe() {
    return store.describe() + " (" + durability.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  public Durability mode() {
    return durability;
  }

  // --- the shipper -----------------------------------------------------------------------------

  private void run() {
    for (Replica r : replicas.values()) {
      if (generation.holds(r.databaseId())) {
        catchingUp.add(r.databaseId());
        shipQuietly(r, true);
      }
    }
    long nextSweep = System.nanoTime();
    while (!closed) {
      if (System.nanoTime() - nextSweep >= 0) {
        nextSweep = System.nanoTime() + SWEEP_EVERY.toNanos();
        try {
          sweepDeleted();
        } catch (IOException | RuntimeException e) {
          LOG.warn("removing deleted databases from {}: {}", store.describe(), e.getMessage());
        }
      }
      synchronized (signal) {
        if (!wake) {
          try {
            signal.wait(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
        wake = false;
      }
      if (closed) {
        return;
      }
      try {
        Thread.sleep(shipEvery.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      try {
        catalog.storeIfChanged();
      } catch (IOException | RuntimeException e) {
        LOG.warn("storing a catalog copy in {}: {}", store.describe(), e.getMessage());
      }
      for (Replica r : replicas.values()) {
        shipQuietly(r, catchingUp.contains(r.databaseId()));
      }
    }
  }

  /**
   * Ships one database's history: everything local while it catches up after a restart, else what
   * commits noted (async). A failure is retried on the next pass; a fenced replica never ships
   * again, so it stops catching up.
   */
  private void shipQuietly(Replica r, boolean all) {
    try {
      if (all) {
        catalog.storeIfChanged();
        r.shipAll();
        catchingUp.remove(r.databaseId());
      } else if (durability == Durability.ASYNC) {
        r.shipNoted();
      }
      r.shipMetadata();
      counters.recovered();
    } catch (IOException | RuntimeException e) {
      if (r.fenced() != null) {
        catchingUp.remove(r.databaseId());
      }
      failed(r, e);
    }
  }

  /** Deletes from the bucket what retention deleted here, and merges small log objects. */
  private void keepHouse() {
    for (Replica r : replicas.values()) {
      if (closed) {
        return;
      }
      try {
        r.pruneRemote();
        Compaction.pass(r, store);
      } catch (IOException | RuntimeException e) {
        failed(r, e);
      }
    }
  }

  /**
   * Stops shipping. In {@code async} mode what is durable here is shipped first (when the store
   * answers), so a clean stop leaves nothing for the next start to catch up.
   */
  @Override
  public void close() {
    if (durability == Durability.ASYNC) {
      for (Replica r : replicas.values()) {
        try {
          r.shipNoted();
        } catch (IOException | RuntimeException e) {
          LOG.warn("shipping the rest of {} before stopping: {}", r.databaseId(), e.getMessage());
          break;
        }
      }
    }
    closed = true;
    noted();
    shipper.shutdownNow();
    housekeeper.shutdownNow();
    try {
      shipper.awaitTermination(5, TimeUnit.SECONDS);
      housekeeper.awaitTermination(5, TimeUnit.SECONDS);
      resources.close();
    } catch (Exception e) {
      LOG.warn("closing the object store: {}", e.getMessage());
    }
  }
}
