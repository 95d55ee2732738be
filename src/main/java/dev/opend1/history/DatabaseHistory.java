package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DataLayout;
import dev.opend1.engine.ImageWriter;
import dev.opend1.engine.StateImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One database's history, a facade over its parts: every commit as a record of the pages it changed
 * in the {@link SegmentLog}, made durable by {@link GroupCommit}, found through the {@link
 * BookmarkIndex}; snapshots ({@code snap-<seq>.db}, a full image at a seq) that bound how much log
 * a replay ({@link ReplayImage}, planned by {@link RestorePlan}) reads; retention planned by {@link
 * PrunePlan}.
 *
 * <p>If an append or fsync fails, the log is cut back to what was durable and the database file
 * must be rebuilt from the history before it serves again ({@link #recoveryImage} then answers a
 * whole image).
 *
 * <p>{@link CheckpointSeq} holds the seq the database file is known to contain (after each full
 * checkpoint, recovery or restore): recovery replays the records after it.
 */
final class DatabaseHistory {

  /** Log below this never triggers a snapshot: a small database replays its log quickly. */
  static final long SNAPSHOT_MIN_BYTES = 256 * 1024;

  private final String databaseId;
  private final HistoryStore store;

  /** Guards every field below, and the log, the index and group commit's state. */
  private final Object lock = new Object();

  private final SegmentLog log;
  private final BookmarkIndex index;
  private final GroupCommit commits;
  private final CommitClock clock = new CommitClock();
  private final TreeSet<Long> snapshots = new TreeSet<>();
  private IOException rebuildNeededBy; // the failure that demands a rebuild, or null
  private final CheckpointSeq checkpointSeq;
  private long bytesSinceSnapshot;
  private long databaseBytes; // its size after the last commit captured since it opened, or 0
  private int pageSize = 4096;

  /** Reads the WAL on the writer's thread only. */
  private final WalReader wal;

  private final HistoryCounters counters;

  private DatabaseHistory(
      String databaseId, HistoryStore store, Executor syncer, Path wal, HistoryCounters counters) {
    this.counters = counters;
    this.databaseId = databaseId;
    this.store = new CountedHistoryStore(store, counters); // every byte on disk, every path
    this.wal = new WalReader(wal);
    this.log = new SegmentLog(this.store, databaseId);
    this.index = new BookmarkIndex(log::entriesOf);
    this.checkpointSeq = new CheckpointSeq(this.store, databaseId);
    this.commits =
        new GroupCommit(
            lock,
            syncer,
            new GroupCommit.Log() {
              @Override
              public long appended() {
                return log.appended();
              }

              @Override
              public GroupCommit.Round round() {
                return new GroupCommit.Round(log.openSegment(), log.channel(), log.openSize());
              }

              @Override
              public void sync(GroupCommit.Round round) throws IOException {
                store.sync(round.name(), round.channel(), round.end());
              }

              @Override
              public void failed(IOException cause) {
                failLocked(cause);
              }
            });
  }

  // --- opening ----------------------------------------------------------------------------------

  /** Opens a history directory: indexes its segments, cutting off a torn tail. */
  static DatabaseHistory open(String databaseId, Path dir, Path dbFile, Executor syncer)
      throws IOException {
    return open(databaseId, new LocalHistoryStore(dir), dbFile, syncer);
  }

  /** Opens a history kept in {@code store}. */
  static DatabaseHistory open(String databaseId, HistoryStore store, Path dbFile, Executor syncer)
      throws IOException {
    return open(databaseId, store, dbFile, syncer, new HistoryCounters());
  }

  /** Opens a history kept in {@code store}, adding what it writes to {@code counters}. */
  static DatabaseHistory open(
      String databaseId, HistoryStore store, Path dbFile, Executor syncer, HistoryCounters counters)
      throws IOException {
    store.clearScratch();
    DatabaseHistory h =
        new DatabaseHistory(databaseId, store, syncer, DataLayout.wal(dbFile), counters);
    h.load();
    return h;
  }

  private void load() throws IOException {
    synchronized (lock) {
      int lastPageSize = log.load(index);
      if (lastPageSize > 0) {
        pageSize = lastPageSize;
      }
      for (String name : store.names()) {
        if (name.startsWith("snap-")) {
          snapshots.add(SegmentLog.seqOf(name));
        }
      }
      for (Long s : new ArrayList<>(snapshots.tailSet(index.lastSeq(), false))) {
        // A snapshot past the last record: a restore that crashed before its record was durable.
        store.delete(SegmentLog.snapName(s));
        snapshots.remove(s);
      }
      // What retention removed stays removed (the records before its base, which the segment
      // holding the base still has), and a prune a crash cut short is finished.
      Optional<PrunePlan> done = PrunePlan.done(snapshots, index);
      if (done.isPresent()) {
        forgetLocked(done.get());
        log.deletePruned(done.get());
      }
      checkpointSeq.load();
    }
  }

  // --- writing ----------------------------------------------------------------------------------

  /** Records a new database's first state (seq 0) from its file. */
  void initialize(Path dbFile) throws IOException {
    log.stamp();
    int size = (int) Files.size(dbFile);
    Path scratch = store.scratch(SegmentLog.snapName(0));
    Files.copy(dbFile, scratch, StandardCopyOption.REPLACE_EXISTING);
    store.put(SegmentLog.snapName(0), scratch);
    synchronized (lock) {
      snapshots.add(0L);
    }
    HistoryRecord r =
        RecordCodec.make(
            RecordCodec.seedHash(databaseId),
            0,
            clock.next(-1),
            HistoryRecord.IMAGE,
            pageSize,
            size / pageSize,
            Map.of(),
            -1);
    awaitDurable(commits.durable(append(SegmentLog.RecordWrite.of(r, RecordCodec.encode(r)))));
    checkpointSeq.set(0);
  }

  /**
   * Captures the commits the WAL gained since the last call as one record. The future completes
   * with the record's bookmark when it is durable; with the newest one already when nothing was
   * committed.
   */
  CompletableFuture<Bookmark> capture() throws IOException {
    WalReader.Commit c = wal.readNewCommits();
    if (c == null) {
      return CompletableFuture.completedFuture(current());
    }
    LogEntry e;
    long ticket;
    synchronized (lock) {
      if (rebuildNeededBy != null) {
        throw new IOException("the history failed earlier: rebuild it first", rebuildNeededBy);
      }
      LogEntry last = index.last();
      pageSize = c.pageSize();
      databaseBytes = (long) c.pageCount() * c.pageSize();
      // The pages go from the WAL to the segment a buffer at a time, never all on the heap.
      ticket =
          append(new CommitWriter(last.hash(), last.seq() + 1, clock.next(last.timeMicros()), c));
      e = index.last();
    }
    Bookmark at = e.bookmark();
    return commits.durable(ticket).thenApply(durable -> at);
  }

  /** Appends a record (sealing the segment when due); its end ticket. */
  private long append(SegmentLog.RecordWrite r) throws IOException {
    synchronized (lock) {
      try {
        if (log.sealDue(r.timeMicros())) {
          commits.durableUpTo(log.seal(r.seq(), r.timeMicros(), index));
        }
        LogEntry e = log.append(r);
        index.add(e);
        bytesSinceSnapshot += e.length();
        counters.records.increment();
        counters.bytes.add(e.length());
        return log.appended();
      } catch (IOException e) {
        failLocked(e);
        throw e;
      }
    }
  }

  /**
   * After a failed append or fsync: cut the log back to what an fsync covered, forget the records
   * past it, and demand a rebuild of the database file before it serves again. Lock held.
   */
  private void failLocked(IOException cause) {
    rebuildNeededBy = cause;
    String segment = log.openSegment();
    long size = log.openSize();
    long keep = log.cutBack(commits.synced(), cause);
    if (keep >= 0) {
      counters.removedBytes.add(size - keep);
      index.dropFrom(segment, keep);
    }
  }

  private static void awaitDurable(CompletableFuture<Void> f) throws IOException {
    try {
      f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  // --- states of the database file --------------------------------------------------------------

  /**
   * The state the database file must hold before SQLite opens it: the newest one, replayed in place
   * over what the file holds, or rebuilt whole after a failure or a restore. The engine drops the
   * WAL before writing it (frames the history never captured are not committed), so the WAL is read
   * from its start again afterwards.
   */
  StateImage recoveryImage() {
    wal.reset();
    synchronized (lock) {
      long target = index.lastSeq();
      return image(
          rebuildNeededBy != null
              ? RestorePlan.full(target, snapshots, index.firstSeq())
              : RestorePlan.fromFile(checkpointSeq.get(), target, snapshots, index.firstSeq()));
    }
  }

  /** The state at {@code seq}, built whole from the latest snapshot at or before it. */
  StateImage imageAt(long seq) {
    synchronized (lock) {
      return image(RestorePlan.full(seq, snapshots, index.firstSeq()));
    }
  }

  private StateImage image(RestorePlan plan) {
    return ReplayImage.of(store, databaseId, plan, index, pageSize);
  }

  /**
   * Records that the database file now holds the state at {@code seq}, synced: after the engine
   * wrote a recovery image or a restored state into it.
   */
  void fileHolds(long seq) throws IOException {
    synchronized (lock) {
      rebuildNeededBy = null;
    }
    checkpointSeq.note(seq);
  }

  /** Records that the database file now holds every captured commit (after a full checkpoint). */
  void checkpointed() throws IOException {
    checkpointSeq.set(lastSeq());
  }

  /** Builds the state at {@code target} into the file {@code out}. */
  void buildImage(long target, Path out) throws IOException {
    ImageWriter.writeFile(imageAt(target), out);
  }

  // --- restore, snapshots, retention ------------------------------------------------------------

  /**
   * Makes a built image the newest state: it becomes the snapshot of the next seq, and an IMAGE
   * record at that seq (pointing back to {@code restoredFrom}) is appended and made durable. The
   * engine then writes that state into the database file ({@link #imageAt}); until it did ({@link
   * #fileHolds}), the file is rebuilt from the snapshot when it next opens. Call while the database
   * is paused.
   */
  Bookmark commitRestore(Path built, long restoredFrom) throws IOException {
    long seq;
    LogEntry last;
    synchronized (lock) {
      last = index.last();
      seq = last.seq() + 1;
    }
    int pages = (int) (Files.size(built) / pageSize);
    store.put(SegmentLog.snapName(seq), built);
    synchronized (lock) {
      snapshots.add(seq);
    }
    HistoryRecord r =
        RecordCodec.make(
            last.hash(),
            seq,
            clock.next(last.timeMicros()),
            HistoryRecord.IMAGE,
            pageSize,
            pages,
            Map.of(),
            restoredFrom);
    awaitDurable(commits.durable(append(SegmentLog.RecordWrite.of(r, RecordCodec.encode(r)))));
    synchronized (lock) {
      bytesSinceSnapshot = 0;
    }
    return new Bookmark(seq, r.hash());
  }

  /**
   * True when enough log has piled up since the last snapshot to make a new one worthwhile: more
   * than the database's size after the last captured commit (what a snapshot holds, whatever part
   * of it a checkpoint already copied into the file), and more than {@link #SNAPSHOT_MIN_BYTES}.
   */
  boolean snapshotDue() {
    synchronized (lock) {
      return bytesSinceSnapshot > Math.max(databaseBytes, SNAPSHOT_MIN_BYTES);
    }
  }

  /** Takes a snapshot of the newest state from the history alone (never the live file). */
  void snapshot() throws IOException {
    long seq;
    synchronized (lock) {
      seq = lastSeq();
      if (snapshots.contains(seq)) {
        return;
      }
      bytesSinceSnapshot = 0;
    }
    long start = System.nanoTime();
    Path scratch = store.scratch(SegmentLog.snapName(seq));
    try {
      buildImage(seq, scratch);
      store.put(SegmentLog.snapName(seq), scratch);
    } catch (IOException | RuntimeException e) {
      // A full disk must not stay full of half-built snapshots until the next start.
      Files.deleteIfExists(scratch);
      throw e;
    }
    synchronized (lock) {
      snapshots.add(seq);
    }
    counters.snapshots.increment();
    counters.snapshotNanos.add(System.nanoTime() - start);
  }

  /** Drops what no point after {@code cutoffMicros} needs ({@link PrunePlan}). */
  void prune(long cutoffMicros) throws IOException {
    Optional<PrunePlan> plan;
    synchronized (lock) {
      plan = PrunePlan.of(cutoffMicros, snapshots, index);
      plan.ifPresent(this::forgetLocked);
    }
    if (plan.isPresent()) {
      log.deletePruned(plan.get());
    }
  }

  /** The index forgets what {@code plan} removes, before any file goes. Lock held. */
  private void forgetLocked(PrunePlan plan) {
    index.dropBefore(plan.base());
    snapshots.removeAll(plan.snapshots());
  }

  Bookmark current() {
    synchronized (lock) {
      return index.last().bookmark();
    }
  }

  /** The bookmark of a seq still in the history. */
  Optional<Bookmark> bookmarkOf(long seq) {
    synchronized (lock) {
      return Optional.ofNullable(index.find(seq)).map(LogEntry::bookmark);
    }
  }

  /** The first bookmark still in the history. */
  Bookmark first() {
    synchronized (lock) {
      return index.first().bookmark();
    }
  }

  /** The bookmark of the last commit at or before the instant, or empty when before the first. */
  Optional<Bookmark> at(long timeMicros) {
    synchronized (lock) {
      return index.at(timeMicros);
    }
  }

  /** See {@link BookmarkIndex#newestFirst}. */
  java.util.List<LogEntry> commits(long fromMicros, long toMicros, long beforeSeq, int limit) {
    synchronized (lock) {
      return index.newestFirst(fromMicros, toMicros, beforeSeq, limit);
    }
  }

  BookmarkIndex.Check check(Bookmark b) {
    synchronized (lock) {
      return index.check(b);
    }
  }

  long lastSeq() {
    synchronized (lock) {
      return index.lastSeq();
    }
  }

  /** Records in the history (for tests and figures). */
  long records() {
    synchronized (lock) {
      return index.size();
    }
  }

  /** Index entries held in memory: the open segment's (for tests and figures). */
  int heldEntries() {
    synchronized (lock) {
      return index.held();
    }
  }

  NavigableSet<Long> snapshotSeqs() {
    synchronized (lock) {
      return new TreeSet<>(snapshots);
    }
  }

  /** Seals segments after {@code micros} instead of an hour (tests). */
  void sealSegmentsAfter(long micros) {
    synchronized (lock) {
      log.sealSegmentsAfter(micros);
    }
  }

  /**
   * Demands a rebuild because of {@code cause}. A failure already demanding one is kept: it is what
   * the next commits' errors name (a store that is down answers 503, not 500).
   */
  void markNeedsRebuild(Exception cause) {
    synchronized (lock) {
      if (rebuildNeededBy == null) {
        rebuildNeededBy = new IOException("marked for a rebuild", cause);
      }
    }
  }

  /** The writer closed: the WAL may be replaced before the next capture, which opens it again. */
  void writerClosed() {
    wal.reset();
  }

  void close() throws IOException {
    wal.reset();
    synchronized (lock) {
      log.close();
    }
  }
}
