package dev.opend1.history;

import dev.opend1.core.Bookmark;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One database's history: every commit as a record of the pages it changed, in segments named by
 * their first seq ({@code seg-<seq>.log}), plus snapshots ({@code snap-<seq>.db}, a full image at a
 * seq) that bound how much log a restore replays.
 *
 * <p>Durability is group-committed: a capture appends its record and gets a future that completes
 * when an fsync covers it; while one fsync runs, later records pile up for the next one. If an
 * append or fsync fails, the log is cut back to what was durable and the database file must be
 * rebuilt from the history before it serves again ({@link #needsRebuild}).
 *
 * <p>{@code checkpoint} holds the seq the database file is known to contain (set after each full
 * checkpoint): recovery replays the records after it.
 */
final class DatabaseHistory {

  /** A segment is sealed (a new one started) once it is this large. */
  static final long SEGMENT_BYTES = 64L * 1024 * 1024;

  /** A segment is also sealed once its first record is this old, so no object stays open long. */
  static final long SEGMENT_MAX_AGE_MICROS = 3_600_000_000L;

  /** Log below this never triggers a snapshot: a small database replays its log quickly. */
  static final long SNAPSHOT_MIN_BYTES = 256 * 1024;

  /** One record's place in the log. */
  record Entry(
      long seq,
      long timeMicros,
      int type,
      int pageCount,
      byte[] hash,
      String segment,
      long offset,
      int length) {

    /** The entry of a record stored at {@code offset} of {@code segment}. */
    static Entry of(HistoryRecord r, String segment, long offset, int length) {
      return new Entry(
          r.seq(), r.timeMicros(), r.type(), r.pageCount(), r.hash(), segment, offset, length);
    }
  }

  private final String databaseId;
  private final HistoryStore store;
  private final Executor syncer;

  /** Guards every field below. */
  private final Object lock = new Object();

  private final List<Entry> index = new ArrayList<>();
  private final TreeSet<Long> snapshots = new TreeSet<>();
  private String openSegment;
  private FileChannel openChannel;
  private long openSize;

  /** Commit time of the open segment's first record, for sealing by age. */
  private long openSince;

  /** Age past which the open segment is sealed; {@link #SEGMENT_MAX_AGE_MICROS} but in tests. */
  private long maxSegmentAgeMicros = SEGMENT_MAX_AGE_MICROS;

  private long appended;
  private long synced;
  private boolean syncing;
  private final List<Waiter> waiters = new ArrayList<>();
  private boolean needsRebuild;
  private long checkpointSeq = -1;
  private long bytesSinceSnapshot;
  private int pageSize = 4096;

  /** Reads the WAL on the writer's thread only. */
  private final WalReader wal;

  private record Waiter(long upTo, CompletableFuture<Void> done) {}

  /** Totals shared by every database's history (records, bytes, snapshots). */
  private final HistoryCounters counters;

  private DatabaseHistory(
      String databaseId, HistoryStore store, Executor syncer, Path wal, HistoryCounters counters) {
    this.counters = counters;
    this.databaseId = databaseId;
    this.store = store;
    this.syncer = syncer;
    this.wal = new WalReader(wal);
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
        new DatabaseHistory(
            databaseId,
            store,
            syncer,
            dbFile.resolveSibling(dbFile.getFileName() + "-wal"),
            counters);
    h.load();
    return h;
  }

  private void load() throws IOException {
    byte[] format = store.readSmall("FORMAT");
    if (format != null
        && !new String(format, StandardCharsets.UTF_8).trim().equals("opend1-history 1")) {
      throw new IOException(
          "history format '"
              + new String(format, StandardCharsets.UTF_8).trim()
              + "' is not opend1-history 1");
    }
    List<String> segments = new ArrayList<>();
    for (String name : store.names()) {
      if (name.startsWith("seg-")) {
        segments.add(name);
      } else if (name.startsWith("snap-")) {
        snapshots.add(seqOf(name));
      }
    }
    for (int i = 0; i < segments.size(); i++) {
      scan(segments.get(i), i == segments.size() - 1);
    }
    long last = lastSeq();
    for (Long s : new ArrayList<>(snapshots.tailSet(last, false))) {
      // A snapshot past the last record: a restore that crashed before its record was durable.
      store.delete(snapName(s));
      snapshots.remove(s);
    }
    byte[] cp = store.readSmall("checkpoint");
    checkpointSeq = cp == null ? -1 : Long.parseLong(new String(cp, StandardCharsets.UTF_8).trim());
    if (!segments.isEmpty()) {
      openSegment = segments.get(segments.size() - 1);
      openChannel = store.openAppend(openSegment);
      openSize = openChannel.size();
      final String open = openSegment;
      openSince =
          index.stream()
              .filter(e -> e.segment().equals(open))
              .findFirst()
              .map(Entry::timeMicros)
              .orElse(Long.MAX_VALUE);
    }
  }

  /** Indexes one segment; a torn record ends the last segment (and is cut off), any other fails. */
  private void scan(String segment, boolean last) throws IOException {
    try (FileChannel ch = store.openRead(segment)) {
      long size = ch.size();
      long pos = 0;
      while (pos < size) {
        Entry e = null;
        if (size - pos >= RecordCodec.HEADER) {
          ByteBuffer header = read(ch, pos, RecordCodec.HEADER);
          int len = RecordCodec.bodyLength(header);
          if (len > 0 && pos + RecordCodec.HEADER + len + RecordCodec.TRAILER <= size) {
            HistoryRecord r =
                RecordCodec.decode(
                    read(ch, pos + RecordCodec.HEADER, len + RecordCodec.TRAILER), len, false);
            if (r != null && (index.isEmpty() || r.seq() == lastSeq() + 1)) {
              e = Entry.of(r, segment, pos, RecordCodec.HEADER + len + RecordCodec.TRAILER);
              pageSize = r.pageSize();
            }
          }
        }
        if (e == null) {
          if (!last) {
            throw new IOException("history segment " + segment + " is damaged at byte " + pos);
          }
          store.truncate(segment, pos);
          return;
        }
        index.add(e);
        pos += e.length();
      }
    }
  }

  // --- writing ----------------------------------------------------------------------------------

  /** Records a new database's first state (seq 0) from its file. */
  void initialize(Path dbFile) throws IOException {
    store.writeSmall("FORMAT", "opend1-history 1\n".getBytes(StandardCharsets.UTF_8));
    int size = (int) Files.size(dbFile);
    Path scratch = store.scratch(snapName(0));
    Files.copy(dbFile, scratch, StandardCopyOption.REPLACE_EXISTING);
    store.put(snapName(0), scratch);
    synchronized (lock) {
      snapshots.add(0L);
    }
    HistoryRecord r =
        RecordCodec.make(
            RecordCodec.seedHash(databaseId),
            0,
            nowMicros(-1),
            HistoryRecord.IMAGE,
            pageSize,
            size / pageSize,
            Map.of(),
            -1);
    awaitDurable(durable(append(r)));
    setCheckpointSeq(0);
  }

  /**
   * Captures the commits the WAL gained since the last call as one record. The future completes
   * when the record is durable; it is already complete when nothing was committed.
   */
  CompletableFuture<Void> capture() throws IOException {
    WalReader.Commit c = wal.readNewCommits();
    if (c == null) {
      return CompletableFuture.completedFuture(null);
    }
    HistoryRecord r;
    synchronized (lock) {
      if (needsRebuild) {
        throw new IOException("the history failed earlier; the database must be rebuilt first");
      }
      Entry last = index.get(index.size() - 1);
      pageSize = c.pageSize();
      r =
          RecordCodec.make(
              last.hash(),
              last.seq() + 1,
              nowMicros(last.timeMicros()),
              HistoryRecord.PAGES,
              c.pageSize(),
              c.pageCount(),
              c.pages(),
              -1);
    }
    return durable(append(r));
  }

  /** Appends a record to the open segment (sealing it first when full); returns its end ticket. */
  private long append(HistoryRecord r) throws IOException {
    ByteBuffer bytes = RecordCodec.encode(r);
    synchronized (lock) {
      try {
        if (openChannel == null
            || openSize >= SEGMENT_BYTES
            || r.timeMicros() - openSince >= maxSegmentAgeMicros) {
          sealAndStart(r.seq());
          openSince = r.timeMicros();
        }
        long pos = openSize;
        while (bytes.hasRemaining()) {
          openChannel.write(bytes, pos + bytes.position());
        }
        int length = bytes.limit();
        openSize += length;
        appended += length;
        bytesSinceSnapshot += length;
        index.add(Entry.of(r, openSegment, pos, length));
        counters.records.increment();
        counters.bytes.add(length);
        return appended;
      } catch (IOException e) {
        failLocked(e);
        throw e;
      }
    }
  }

  private void sealAndStart(long firstSeq) throws IOException {
    if (openChannel != null) {
      store.sync(openChannel);
      openChannel.close();
      synced = appended;
    }
    openSegment = segName(firstSeq);
    openChannel = store.openAppend(openSegment);
    openSize = openChannel.size();
  }

  /** A future that completes when an fsync covers everything up to {@code ticket}. */
  private CompletableFuture<Void> durable(long ticket) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    boolean start;
    synchronized (lock) {
      if (synced >= ticket) {
        return CompletableFuture.completedFuture(null);
      }
      waiters.add(new Waiter(ticket, done));
      start = !syncing;
      syncing = true;
    }
    if (start) {
      syncer.execute(this::syncRounds);
    }
    return done;
  }

  /** Fsyncs until no one waits: each round covers everything appended before it began. */
  private void syncRounds() {
    while (true) {
      long target;
      FileChannel ch;
      synchronized (lock) {
        target = appended;
        ch = openChannel;
      }
      IOException failed = null;
      try {
        store.sync(ch);
      } catch (IOException e) {
        failed = e;
      }
      List<Waiter> done = new ArrayList<>();
      synchronized (lock) {
        if (failed != null) {
          failLocked(failed);
          done.addAll(waiters);
          waiters.clear();
        } else {
          synced = Math.max(synced, target);
          waiters.removeIf(w -> w.upTo() <= synced && done.add(w));
        }
        if (waiters.isEmpty()) {
          syncing = false;
        }
      }
      for (Waiter w : done) {
        if (failed != null) {
          w.done()
              .completeExceptionally(
                  new IOException("history fsync failed: " + failed.getMessage(), failed));
        } else {
          w.done().complete(null);
        }
      }
      synchronized (lock) {
        if (!syncing) {
          return;
        }
      }
    }
  }

  /**
   * After a failed append or fsync: cut the log back to what an fsync covered, forget the records
   * past it, and demand a rebuild of the database file before it serves again.
   */
  private void failLocked(IOException cause) {
    needsRebuild = true;
    long durableBytes = synced;
    long cut = appended - durableBytes;
    if (cut > 0 && openChannel != null) {
      long keep = Math.max(0, openSize - cut);
      index.removeIf(e -> e.segment().equals(openSegment) && e.offset() >= keep);
      try {
        openChannel.truncate(keep);
        openChannel.force(true);
        openSize = keep;
        appended = durableBytes;
      } catch (IOException again) {
        cause.addSuppressed(again);
      }
    }
  }

  private static void awaitDurable(CompletableFuture<Void> f) throws IOException {
    try {
      f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  // --- the database file ------------------------------------------------------------------------

  /**
   * Makes the database file hold the history's newest state before SQLite opens it: drops the WAL
   * (frames the history never captured are not committed) and replays what the file lacks.
   */
  void recover(Path dbFile) throws IOException {
    Files.deleteIfExists(dbFile.resolveSibling(dbFile.getFileName() + "-wal"));
    Files.deleteIfExists(dbFile.resolveSibling(dbFile.getFileName() + "-shm"));
    wal.reset();
    RestorePlan plan;
    synchronized (lock) {
      long target = lastSeq();
      plan =
          needsRebuild || !Files.exists(dbFile)
              ? RestorePlan.full(target, snapshots, seqs())
              : RestorePlan.fromFile(checkpointSeq, target, snapshots, seqs());
    }
    if (plan.base() == RestorePlan.IN_PLACE && plan.records().isEmpty()) {
      noteCheckpointSeq(plan.target());
      return;
    }
    if (plan.base() == RestorePlan.IN_PLACE) {
      try (FileChannel out =
          FileChannel.open(dbFile, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        apply(plan, out);
      }
    } else {
      Path built = dbFile.resolveSibling(dbFile.getFileName() + ".rebuild.tmp");
      requireSpaceFor(built, (long) entry(plan.target()).pageCount() * pageSize);
      try {
        build(plan, built);
        dev.opend1.engine.DurableFiles.moveAtomically(built, dbFile);
      } finally {
        // A rebuild that failed (a full disk) must not keep the disk full with its half.
        Files.deleteIfExists(built);
      }
    }
    synchronized (lock) {
      needsRebuild = false;
    }
    noteCheckpointSeq(plan.target());
  }

  /**
   * Refuses to start a rebuild the disk cannot hold, before writing a byte of it: a rebuild that
   * runs into a full disk would first fill it for every other database. Half-written it is useless,
   * so it is tried again, whole, once space is back.
   */
  private static void requireSpaceFor(Path file, long bytes) throws IOException {
    dev.opend1.engine.DiskSpace disk = dev.opend1.engine.DiskSpace.of(file);
    long usable = disk.usable();
    if (usable - bytes < disk.floor()) {
      throw new IOException(
          "No space left on device: rebuilding "
              + file.getFileName()
              + " needs "
              + bytes
              + " bytes and "
              + disk.floor()
              + " to spare, "
              + usable
              + " are free");
    }
  }

  /**
   * Records the seq the file now holds after a recovery. Failing to write it (a full disk) must not
   * keep an intact database from opening, and need not: the stored seq is then an older one, from
   * which the next recovery replays more records over the file (a page replayed again gets the same
   * bytes) or rebuilds it whole.
   */
  private void noteCheckpointSeq(long seq) {
    try {
      setCheckpointSeq(seq);
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(DatabaseHistory.class)
          .warn("checkpoint seq of {} not stored: {}", databaseId, e.getMessage());
    }
  }

  /** Records that the database file now holds every captured commit (after a full checkpoint). */
  void checkpointed() throws IOException {
    setCheckpointSeq(lastSeq());
  }

  private void setCheckpointSeq(long seq) throws IOException {
    synchronized (lock) {
      if (checkpointSeq == seq) {
        return;
      }
      checkpointSeq = seq;
    }
    store.writeSmall("checkpoint", Long.toString(seq).getBytes(StandardCharsets.UTF_8));
  }

  /** Builds the state at {@code target} into the file {@code out}. */
  void buildImage(long target, Path out) throws IOException {
    RestorePlan plan;
    synchronized (lock) {
      plan = RestorePlan.full(target, snapshots, seqs());
    }
    build(plan, out);
  }

  private void build(RestorePlan plan, Path out) throws IOException {
    try (FileChannel in = store.openRead(snapName(plan.base()));
        FileChannel o =
            FileChannel.open(
                out,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
      in.transferTo(0, in.size(), o);
      apply(plan, o);
    }
  }

  /** Writes each record's pages in order, then sizes the file to the target's page count. */
  private void apply(RestorePlan plan, FileChannel out) throws IOException {
    Map<String, FileChannel> open = new HashMap<>();
    try {
      for (long seq : plan.records()) {
        Entry e = entry(seq);
        FileChannel seg = open.computeIfAbsent(e.segment(), this::openQuietly);
        ByteBuffer raw =
            read(seg, e.offset() + RecordCodec.HEADER, e.length() - RecordCodec.HEADER);
        HistoryRecord r =
            RecordCodec.decode(raw, e.length() - RecordCodec.HEADER - RecordCodec.TRAILER, true);
        if (r == null || r.type() != HistoryRecord.PAGES) {
          throw new IOException("history record " + seq + " cannot be replayed");
        }
        for (Map.Entry<Integer, byte[]> p : r.pages().entrySet()) {
          ByteBuffer page = ByteBuffer.wrap(p.getValue());
          long at = (long) (p.getKey() - 1) * r.pageSize();
          while (page.hasRemaining()) {
            out.write(page, at + page.position());
          }
        }
      }
      Entry target = entry(plan.target());
      out.truncate((long) target.pageCount() * pageSize);
      out.force(true);
    } finally {
      for (FileChannel c : open.values()) {
        c.close();
      }
    }
  }

  private FileChannel openQuietly(String segment) {
    try {
      return store.openRead(segment);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // --- restore and snapshots
  // ----------------------------------------------------------------------

  /**
   * Makes a built image the newest state: it becomes the snapshot of the next seq, and an IMAGE
   * record at that seq (pointing back to {@code restoredFrom}) is appended and made durable. The
   * database file is then rebuilt by {@link #recover} when it next opens. Call while the database
   * is paused.
   */
  Bookmark commitRestore(Path built, long restoredFrom) throws IOException {
    long seq;
    Entry last;
    synchronized (lock) {
      last = index.get(index.size() - 1);
      seq = last.seq() + 1;
    }
    int pages = (int) (Files.size(built) / pageSize);
    store.put(snapName(seq), built);
    synchronized (lock) {
      snapshots.add(seq);
    }
    HistoryRecord r =
        RecordCodec.make(
            last.hash(),
            seq,
            nowMicros(last.timeMicros()),
            HistoryRecord.IMAGE,
            pageSize,
            pages,
            Map.of(),
            restoredFrom);
    awaitDurable(durable(append(r)));
    synchronized (lock) {
      bytesSinceSnapshot = 0;
    }
    return new Bookmark(seq, r.hash());
  }

  /** True when enough log has piled up since the last snapshot to make a new one worthwhile. */
  boolean snapshotDue(long databaseBytes) {
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
    Path scratch = store.scratch(snapName(seq));
    try {
      buildImage(seq, scratch);
      store.put(snapName(seq), scratch);
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

  /**
   * Drops what no point after {@code cutoffMicros} needs: segments and snapshots wholly before the
   * newest snapshot taken at or before the cutoff. The newest state is never touched.
   */
  void prune(long cutoffMicros) throws IOException {
    List<String> segmentsToDelete = new ArrayList<>();
    List<Long> snapshotsToDelete = new ArrayList<>();
    synchronized (lock) {
      Long base = null;
      for (Long s : snapshots.descendingSet()) {
        Entry e = find(s);
        if (e != null && e.timeMicros() <= cutoffMicros) {
          base = s;
          break;
        }
      }
      if (base == null) {
        return;
      }
      String baseSegment = find(base).segment();
      for (Entry e : index) {
        if (e.seq() >= base) {
          break;
        }
        if (!e.segment().equals(baseSegment) && !segmentsToDelete.contains(e.segment())) {
          segmentsToDelete.add(e.segment());
        }
      }
      snapshotsToDelete.addAll(snapshots.headSet(base, false));
      final long keepFrom = base;
      index.removeIf(e -> e.seq() < keepFrom);
      snapshots.removeAll(snapshotsToDelete);
    }
    for (String s : segmentsToDelete) {
      store.delete(s);
    }
    for (Long s : snapshotsToDelete) {
      store.delete(snapName(s));
    }
  }

  // --- bookmarks
  // ----------------------------------------------------------------------------------

  Bookmark current() {
    synchronized (lock) {
      Entry e = index.get(index.size() - 1);
      return new Bookmark(e.seq(), e.hash());
    }
  }

  /** The bookmark of a seq still in the history. */
  java.util.Optional<Bookmark> bookmarkOf(long seq) {
    synchronized (lock) {
      Entry e = find(seq);
      return e == null
          ? java.util.Optional.empty()
          : java.util.Optional.of(new Bookmark(e.seq(), e.hash()));
    }
  }

  /** The first bookmark still in the history. */
  Bookmark first() {
    synchronized (lock) {
      Entry e = index.get(0);
      return new Bookmark(e.seq(), e.hash());
    }
  }

  /** The bookmark of the last commit at or before the instant, or empty when before the first. */
  java.util.Optional<Bookmark> at(long timeMicros) {
    synchronized (lock) {
      int lo = 0;
      int hi = index.size() - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (index.get(mid).timeMicros() <= timeMicros) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found < 0) {
        return java.util.Optional.empty();
      }
      Entry e = index.get(found);
      return java.util.Optional.of(new Bookmark(e.seq(), e.hash()));
    }
  }

  /** How a bookmark relates to this history. */
  enum Check {
    VALID,
    FOREIGN,
    EXPIRED,
    AHEAD
  }

  Check check(Bookmark b) {
    synchronized (lock) {
      if (b.seq() > lastSeq()) {
        return Check.AHEAD;
      }
      if (b.seq() < index.get(0).seq()) {
        return Check.EXPIRED;
      }
      Entry e = find(b.seq());
      return e != null && java.util.Arrays.equals(e.hash(), b.hash()) ? Check.VALID : Check.FOREIGN;
    }
  }

  long lastSeq() {
    synchronized (lock) {
      return index.isEmpty() ? -1 : index.get(index.size() - 1).seq();
    }
  }

  /** Records in the history (for tests and figures). */
  int records() {
    synchronized (lock) {
      return index.size();
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
      maxSegmentAgeMicros = micros;
    }
  }

  void markNeedsRebuild() {
    synchronized (lock) {
      needsRebuild = true;
    }
  }

  void close() throws IOException {
    synchronized (lock) {
      if (openChannel != null) {
        openChannel.force(false);
        openChannel.close();
        openChannel = null;
      }
    }
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  private Entry entry(long seq) throws IOException {
    synchronized (lock) {
      Entry e = find(seq);
      if (e == null) {
        throw new IOException("history has no record " + seq);
      }
      return e;
    }
  }

  /** The entry of a seq; entries are contiguous, so it is found by offset from the first. */
  private Entry find(long seq) {
    if (index.isEmpty()) {
      return null;
    }
    long i = seq - index.get(0).seq();
    return i < 0 || i >= index.size() ? null : index.get((int) i);
  }

  private List<Long> seqs() {
    List<Long> s = new ArrayList<>(index.size());
    for (Entry e : index) {
      s.add(e.seq());
    }
    return s;
  }

  private long lastTime = 0;

  /** Now in microseconds, never before {@code previous} + 1 (the wall clock may go backwards). */
  private long nowMicros(long previous) {
    java.time.Instant now = java.time.Instant.now();
    long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    lastTime = Math.max(Math.max(micros, previous + 1), lastTime + 1);
    return lastTime;
  }

  static String segName(long seq) {
    return "seg-%016x.log".formatted(seq);
  }

  static String snapName(long seq) {
    return "snap-%016x.db".formatted(seq);
  }

  private static long seqOf(String name) {
    return Long.parseLong(name.substring(5, 21), 16);
  }

  static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(len);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new IOException("unexpected end of history segment");
      }
    }
    return buf.flip();
  }
}
