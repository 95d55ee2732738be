package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.engine.DurableFiles;
import dev.opend1.engine.StateImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database's read-only copy on a node that does not write it, kept current by following the
 * database's log in object storage: a local history (segments and snapshots, as {@link
 * RemoteRestore} lays them down) that each poll extends with the log objects the bucket gained,
 * checked as a recovery checks them (each record's checksum, seqs that follow on, the hash chain
 * from the copy's last record) along the one chain {@link LogChain} picks by writer generation. A
 * chain that no longer holds the copy's last record as it has it (a stale writer's records the copy
 * took before a higher generation replaced them) makes the copy start again from the bucket.
 *
 * <p>The copy is read as any state of a history is: {@link #image} is the {@link StateImage} of the
 * reached state ({@link RestorePlan}, {@link ReplayImage}), which the engine makes a read-only
 * database of, as for a read as of a bookmark. The follower only reads the bucket; it never writes
 * it.
 *
 * <p>Polls run one at a time: in the background every interval ({@link #start}), or on the caller's
 * thread when a read waits for a bookmark the copy has not reached ({@link #await}).
 */
public final class Follower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Follower.class);

  /** How long a waiting read lets pass between two listings of the bucket that found nothing. */
  static final Duration RELIST = Duration.ofMillis(50);

  /** Where a bookmark stands against the copy. */
  public enum Reach {
    /** The copy is at or after it. */
    REACHED,
    /** Not yet: the bookmark is past the copy's newest record. */
    BEHIND,
    /** Another history's: the copy holds that seq with another hash. */
    FOREIGN
  }

  /**
   * How far the copy is behind the bucket, as far as the follower has seen it.
   *
   * @param records records the bucket holds past the copy's last one (at least: a log object's name
   *     gives only its first seq)
   * @param seconds how long the copy has been behind them; 0 when it is not
   */
  public record Lag(long records, double seconds) {}

  private final String databaseId;
  private final ObjectStore store;
  private final Path historyDir;

  /** Guards the fields below; notified whenever the copy advances. */
  private final Object lock = new Object();

  /** The copy's history, opened over {@link #historyDir}; null until the bucket had a record. */
  private DatabaseHistory history;

  private Bookmark reached;
  private long newestSnapshot = -1;

  /** The highest seq the bucket is known to hold. */
  private long knownSeq = -1;

  /** When the copy was first seen behind {@link #knownSeq}, by {@link System#nanoTime}; or -1. */
  private long behindSince = -1;

  /** One poll at a time: it alone writes {@link #historyDir}. */
  private final ReentrantLock polling = new ReentrantLock();

  /** How many times the owner's news reached this copy ({@link #heard}). */
  private final AtomicLong newsHeard = new AtomicLong();

  /** Whether a poll asked for by {@link #pollSoon} is queued and has not begun. */
  private final AtomicBoolean pollQueued = new AtomicBoolean();

  /** Set once the bucket marked the database deleted: the follower polls no more. */
  private volatile boolean deleted;

  /** The background polls, once started; cancelled at close or when the database is deleted. */
  private ScheduledFuture<?> scheduled;

  private ScheduledExecutorService scheduler;

  /**
   * A follower of {@code databaseId} in {@code store}, keeping its copy in {@code dir} (its own
   * directory; what is there is replaced at the first poll).
   */
  public Follower(String databaseId, ObjectStore store, Path dir) {
    this.databaseId = databaseId;
    this.store = store;
    this.historyDir = dir.resolve("history");
  }

  /** Polls every {@code interval} on {@code scheduler} (a thread of the engine's pools). */
  public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
    this.scheduler = scheduler;
    scheduled =
        scheduler.scheduleWithFixedDelay(
            this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Asks for a poll now, ahead of the next one due (a write was seen elsewhere, say). Asks made
   * while one is queued and not yet begun are one poll.
   */
  public synchronized void pollSoon() {
    if (scheduler != null && !scheduler.isShutdown() && pollQueued.compareAndSet(false, true)) {
      scheduler.execute(
          () -> {
            pollQueued.set(false);
            pollQuietly();
          });
    }
  }

  /**
   * The owner says the bucket holds the database's records up to {@code seq} (its news after a
   * durable commit): polls now when the copy has not reached it. The bucket stays the source of
   * truth: what the poll takes is checked as every poll's is, and a seq the bucket does not hold
   * yet only makes the lag show sooner.
   */
  public void heard(long seq) {
    newsHeard.incrementAndGet();
    noteKnown(seq);
    Optional<Bookmark> at = reached();
    if (at.isEmpty() || at.get().seq() < seq) {
      pollSoon();
    }
  }

  /** How many times the owner's news reached this copy. */
  public long newsHeard() {
    return newsHeard.get();
  }

  /** True once the bucket marked the database deleted: the copy stays as it was, unpolled. */
  public boolean deleted() {
    return deleted;
  }

  private synchronized void stopPolling() {
    deleted = true;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }

  /** The bookmark the copy has reached, or empty before the bucket held any record. */
  public Optional<Bookmark> reached() {
    synchronized (lock) {
      return Optional.ofNullable(reached);
    }
  }

  /** How far the copy is behind what the follower has seen of the bucket. */
  public Lag lag() {
    synchronized (lock) {
      long records = reached == null ? knownSeq + 1 : Math.max(0, knownSeq - reached.seq());
      double seconds =
          records == 0 || behindSince < 0 ? 0 : (System.nanoTime() - behindSince) / 1e9;
      return new Lag(records, seconds);
    }
  }

  /**
   * The state the copy holds at {@code at}, which must be a bookmark {@link #reached} gave: for the
   * engine to make a read-only database of.
   */
  public StateImage image(Bookmark at) {
    synchronized (lock) {
      if (history == null || history.check(at) != BookmarkIndex.Check.VALID) {
        throw new IllegalArgumentException(at + " is not a state of this copy");
      }
      return history.imageAt(at.seq());
    }
  }

  /**
   * Waits at most {@code max} for the copy to reach {@code wanted}, polling the bucket meanwhile on
   * this thread. Returns at once for a bookmark reached or foreign.
   */
  public Reach await(Bookmark wanted, Duration max) throws InterruptedException {
    waitUntil(() -> reach(wanted) != Reach.BEHIND, max);
    return reach(wanted);
  }

  /**
   * The bookmark the copy reached, waiting at most {@code max} (polling on this thread) while it
   * has none yet: a follower just started, laying its copy down.
   */
  public Optional<Bookmark> awaitReached(Duration max) throws InterruptedException {
    waitUntil(() -> reached().isPresent(), max);
    return reached();
  }

  /** Polls on this thread until {@code done} or {@code max} passed, listing at most every 50 ms. */
  private void waitUntil(BooleanSupplier done, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !polling.tryLock(left, TimeUnit.NANOSECONDS)) {
        return;
      }
      boolean advanced;
      try {
        advanced = pollLocked();
      } catch (IOException e) {
        LOG.debug("following {}: {}", databaseId, e.getMessage());
        advanced = false;
      } finally {
        polling.unlock();
      }
      long now = System.nanoTime();
      if (!advanced && !done.getAsBoolean() && now < deadline) {
        TimeUnit.NANOSECONDS.sleep(Math.min(RELIST.toNanos(), deadline - now));
      }
    }
  }

  private Reach reach(Bookmark wanted) {
    synchronized (lock) {
      if (reached == null || wanted.seq() > reached.seq()) {
        return Reach.BEHIND;
      }
      return switch (history.check(wanted)) {
        case VALID, EXPIRED -> Reach.REACHED;
        case FOREIGN -> Reach.FOREIGN;
        case AHEAD -> Reach.BEHIND;
      };
    }
  }

  /**
   * One pass: lists the database's objects, downloads the log objects past the copy in order,
   * checks them and appends their records. Returns true when the copy advanced.
   */
  public boolean poll() throws IOException {
    polling.lock();
    try {
      return pollLocked();
    } finally {
      polling.unlock();
    }
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (IOException | RuntimeException e) {
      LOG.warn("following {} from {}: {}", databaseId, store.describe(), e.getMessage());
    }
  }

  private boolean pollLocked() throws IOException {
    if (deleted) {
      return false;
    }
    Optional<RemoteRestore.Objects> listed = RemoteRestore.database(store, databaseId);
    if (listed.isEmpty() || listed.get().logs().isEmpty()) {
      return false;
    }
    RemoteRestore.Objects objects = listed.get();
    if (objects.deletedAtMicros().isPresent()) {
      stopPolling();
      return false;
    }
    Map.Entry<Long, String> newest = objects.logs().lastEntry();
    noteKnown(BucketNames.compactedLast(newest.getValue()).orElse(newest.getKey()));
    Bookmark at = reached().orElse(null);
    if (at == null) {
      return begin(objects);
    }
    try {
      return follow(objects, at);
    } catch (Diverged e) {
      LOG.warn(
          "following {}: {}; taking the copy again from the bucket", databaseId, e.getMessage());
      return begin(objects);
    }
  }

  /** The copy's history no longer continues the bucket's chain. */
  private static final class Diverged extends Exception {
    Diverged(String message) {
      super(message);
    }
  }

  /** Lays the whole history down from the bucket, as a recovery does, and opens it. */
  private boolean begin(RemoteRestore.Objects objects) throws IOException {
    synchronized (lock) {
      if (history != null) {
        history.close();
        history = null;
        reached = null;
      }
    }
    if (Files.exists(historyDir)) {
      DurableFiles.deleteTree(historyDir);
    }
    Optional<RemoteRestore.Result> laid =
        RemoteRestore.recover(store, objects, historyDir, OptionalLong.empty(), bytes -> {});
    if (laid.isEmpty()) {
      return false;
    }
    long snapshot = objects.snapshots().floorKey(laid.get().lastSeq());
    reopen(snapshot);
    return true;
  }

  /** Appends the records the chain holds past {@code at}; throws when it does not continue it. */
  private boolean follow(RemoteRestore.Objects objects, Bookmark at) throws IOException, Diverged {
    TreeMap<Long, String> logs = objects.logs();
    Long from = logs.floorKey(at.seq() + 1);
    if (from == null) {
      throw new Diverged("the bucket's chain starts after seq " + at.seq());
    }
    byte[] previous = hashBefore(from);
    LocalHistoryStore local = new LocalHistoryStore(historyDir);
    long expect = from;
    long last = at.seq();
    FileChannel segment = null;
    long size = 0;
    try {
      for (Map.Entry<Long, String> log : logs.tailMap(from, true).entrySet()) {
        if (log.getKey() != expect) {
          throw new IOException(
              "object storage lacks the records from seq " + expect + " of " + databaseId);
        }
        Optional<byte[]> got = store.get(log.getValue());
        if (got.isEmpty()) {
          break; // compacted or pruned since the listing: the next poll lists again
        }
        byte[] content = got.get();
        List<LogObject.Entry> entries =
            LogObject.decode(log.getValue(), content, log.getKey(), previous);
        int start = -1;
        for (LogObject.Entry e : entries) {
          if (e.seq() == at.seq() && !Arrays.equals(e.hash(), at.hash())) {
            throw new Diverged("the bucket's record " + e.seq() + " is not the copy's");
          }
          if (e.seq() > last && start < 0) {
            start = e.offset();
          }
        }
        if (start >= 0) {
          if (segment == null) {
            segment = local.openAppend(SegmentLog.segName(last + 1));
          }
          ByteBuffer b = ByteBuffer.wrap(content, start, content.length - start);
          while (b.hasRemaining()) {
            size += segment.write(b, size);
          }
        }
        LogObject.Entry end = entries.getLast();
        previous = end.hash();
        last = Math.max(last, end.seq());
        expect = end.seq() + 1;
      }
    } finally {
      if (segment != null) {
        segment.force(false);
        segment.close();
      }
    }
    if (last == at.seq()) {
      return false;
    }
    Long snapshot = objects.snapshots().floorKey(last);
    if (snapshot != null && snapshot > newestSnapshot) {
      // The newest snapshot at or before the new end: a restore's state (an IMAGE record) is
      // replayed from its own, and any later state from it replays fewer records.
      Path scratch = local.scratch(SegmentLog.snapName(snapshot));
      store.download(objects.snapshots().get(snapshot), scratch);
      local.put(SegmentLog.snapName(snapshot), scratch);
    } else {
      snapshot = newestSnapshot;
    }
    reopen(snapshot);
    return true;
  }

  /** The hash of the record before {@code seq}: the seed of the chain, or the copy's record. */
  private byte[] hashBefore(long seq) throws Diverged {
    if (seq == 0) {
      return RecordCodec.seedHash(databaseId);
    }
    synchronized (lock) {
      return history
          .bookmarkOf(seq - 1)
          .map(Bookmark::hash)
          .orElseThrow(() -> new Diverged("the copy lacks record " + (seq - 1)));
    }
  }

  /** Opens the history again over what the directory now holds, and notes what it reached. */
  private void reopen(long snapshot) throws IOException {
    // No database file goes with this history: the WAL it would read is never there.
    Path noFile = historyDir.resolveSibling("none.sqlite");
    DatabaseHistory opened = DatabaseHistory.open(databaseId, historyDir, noFile, Runnable::run);
    synchronized (lock) {
      if (history != null) {
        history.close();
      }
      history = opened;
      reached = opened.current();
      newestSnapshot = snapshot;
      noteKnown(reached.seq());
      if (reached.seq() >= knownSeq) {
        behindSince = -1;
      }
      lock.notifyAll();
    }
  }

  private void noteKnown(long seq) {
    synchronized (lock) {
      knownSeq = Math.max(knownSeq, seq);
      boolean behind = reached == null || reached.seq() < knownSeq;
      if (behind && behindSince < 0) {
        behindSince = System.nanoTime();
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    synchronized (lock) {
      if (history != null) {
        history.close();
        history = null;
      }
    }
  }
}
