package dev.opend1.history;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Ships one database's local history to object storage, in order: every record the local segments
 * hold, as log objects named by their first seq, each snapshot before the first record that needs
 * it, and the database's {@code meta.json}. It reads the local files only (never the database), so
 * it can catch up after a restart before the database is opened.
 *
 * <p>Its place in the bucket comes from the bucket itself: at its first use it lists the database's
 * objects and reads the last log object, so nothing local says what was shipped. A log object that
 * exists already ({@code If-None-Match: *} refused) with other bytes, or a first record that does
 * not continue the bucket's hash chain, means another server writes to the same prefix: the replica
 * is then fenced and every later shipment fails.
 *
 * <p>Shipments are serialized by the replica's monitor; the lag (what is durable here but not
 * there) has its own lock, so a commit noting its bytes never waits for an upload.
 */
final class Replica {

  /** A log object is cut at a record boundary once it is this large. */
  static final int MAX_OBJECT_BYTES = 16 * 1024 * 1024;

  private final String databaseId;
  private final ObjectStore remote;
  private final Path dir;
  private final Path metaFile;
  private final ReplicationCounters counters;

  // Guarded by this (one shipment at a time).
  private boolean started;
  private long nextSeq = -1;
  private byte[] lastHash;
  private String segment;
  private long offset;
  private final TreeMap<Long, String> remoteLogs = new TreeMap<>();
  private final TreeSet<Long> remoteSnapshots = new TreeSet<>();
  private String fenced;

  /** Guards the lag fields below. */
  private final Object lagLock = new Object();

  private String targetSegment;
  private long targetEnd;
  private long pendingBytes;
  private long pendingSinceNanos;

  Replica(
      String databaseId,
      ObjectStore remote,
      Path historyDir,
      Path metaFile,
      ReplicationCounters counters) {
    this.databaseId = databaseId;
    this.remote = remote;
    this.dir = historyDir;
    this.metaFile = metaFile;
    this.counters = counters;
  }

  String databaseId() {
    return databaseId;
  }

  // --- the lag --------------------------------------------------------------------------------

  /** Local history up to {@code end} of {@code segmentName} is durable here and must be shipped. */
  void note(String segmentName, long end) {
    synchronized (lagLock) {
      long delta = segmentName.equals(targetSegment) ? end - targetEnd : end;
      if (delta > 0) {
        if (pendingBytes == 0) {
          pendingSinceNanos = System.nanoTime();
        }
        pendingBytes += delta;
      }
      targetSegment = segmentName;
      targetEnd = end;
    }
  }

  /** Bytes durable here and not yet in object storage. */
  long lagBytes() {
    synchronized (lagLock) {
      return pendingBytes;
    }
  }

  /** How long the oldest unshipped byte has waited, in nanoseconds (0 when nothing waits). */
  long lagNanos() {
    synchronized (lagLock) {
      return pendingBytes == 0 ? 0 : System.nanoTime() - pendingSinceNanos;
    }
  }

  /** Ships up to what {@link #note} last said is durable here. */
  void shipNoted() throws IOException {
    String seg;
    long end;
    synchronized (lagLock) {
      if (pendingBytes == 0 || targetSegment == null) {
        return;
      }
      seg = targetSegment;
      end = targetEnd;
    }
    ship(seg, end);
  }

  /** Ships everything the local segments hold (a restart's catch-up). */
  void shipAll() throws IOException {
    List<String> segments = localSegments();
    if (segments.isEmpty()) {
      return;
    }
    String last = segments.get(segments.size() - 1);
    note(last, Files.size(dir.resolve(last)));
    shipNoted();
  }

  // --- shipping -------------------------------------------------------------------------------

  /**
   * Ships every complete record from where the bucket ends up to {@code end} bytes of the local
   * segment {@code endSegment}; snapshots that the records need go first.
   *
   * @throws IOException when the store cannot be reached or refuses, or the replica is fenced
   */
  synchronized void ship(String endSegment, long end) throws IOException {
    if (fenced != null) {
      throw new IOException(fenced);
    }
    start();
    while (true) {
      Batch b = readBatch(endSegment, end);
      if (b == null) {
        // Everything readable up to the target is in the bucket: nothing waits any more.
        synchronized (lagLock) {
          if (endSegment.equals(targetSegment) && end >= targetEnd) {
            pendingBytes = 0;
          }
        }
        break;
      }
      shipSnapshots(b.lastSeq());
      String name = BucketNames.log(databaseId, b.firstSeq());
      if (!remote.putIfAbsent(name, b.bytes())) {
        throw fence(
            "object " + name + " exists with other records: another server writes to this prefix");
      }
      counters.uploaded(b.bytes().length);
      remoteLogs.put(b.firstSeq(), name);
      nextSeq = b.lastSeq() + 1;
      lastHash = b.lastHash();
      segment = b.endSegment();
      offset = b.endOffset();
      synchronized (lagLock) {
        pendingBytes = Math.max(0, pendingBytes - b.bytes().length);
        if (pendingBytes == 0 || (segment.equals(targetSegment) && offset >= targetEnd)) {
          pendingBytes = 0;
        }
      }
    }
  }

  private IOException fence(String why) {
    fenced = "history of " + databaseId + " is no longer shipped: " + why;
    counters.fenced(databaseId);
    return new IOException(fenced);
  }

  /** Reads the bucket's end for this database and finds its place in the local segments. */
  private void start() throws IOException {
    if (started) {
      if (segment == null) {
        locate();
      }
      return;
    }
    String prefix = BucketNames.database(databaseId);
    boolean hasMeta = false;
    for (ObjectStore.Listed o : remote.list(prefix)) {
      String rel = o.name().substring(prefix.length());
      OptionalLong log = BucketNames.logSeq(rel);
      OptionalLong snap = BucketNames.snapshotSeq(rel);
      if (log.isPresent()) {
        BucketNames.addLog(remoteLogs, log.getAsLong(), o.name());
      } else if (snap.isPresent()) {
        remoteSnapshots.add(snap.getAsLong());
      } else if (rel.equals("meta.json")) {
        hasMeta = true;
      }
    }
    if (!remoteLogs.isEmpty()) {
      Map.Entry<Long, String> last = remoteLogs.lastEntry();
      byte[] bytes =
          remote
              .get(last.getValue())
              .orElseThrow(() -> new IOException(last.getValue() + " vanished while read"));
      List<LogObject.Entry> entries = LogObject.decode(last.getValue(), bytes, last.getKey(), null);
      LogObject.Entry tail = entries.get(entries.size() - 1);
      nextSeq = tail.seq() + 1;
      lastHash = tail.hash();
    }
    if (!hasMeta && Files.isRegularFile(metaFile)) {
      remote.putIfAbsent(BucketNames.meta(databaseId), Files.readAllBytes(metaFile));
    }
    started = true;
    locate();
  }

  /**
   * Finds the local place of {@code nextSeq}: in the last segment starting at or before it. A local
   * history that does not reach the bucket's end, or whose record before it has another hash, is
   * not this bucket's history: the replica is fenced.
   */
  private void locate() throws IOException {
    List<String> segments = localSegments();
    if (segments.isEmpty()) {
      return;
    }
    if (nextSeq < 0) {
      segment = segments.get(0);
      offset = 0;
      nextSeq = SegmentLog.seqOf(segment);
      return;
    }
    String found = null;
    for (String s : segments) {
      if (SegmentLog.seqOf(s) <= nextSeq) {
        found = s;
      }
    }
    if (found == null) {
      // Everything local is newer than the bucket's end: retention here ran ahead of shipping.
      throw fence("the local history starts after seq " + nextSeq + ", where the bucket ends");
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(found), StandardOpenOption.READ)) {
      long size = ch.size();
      long pos = 0;
      long seen = SegmentLog.seqOf(found) - 1;
      while (pos < size) {
        Record r = readRecord(ch, pos, size, false);
        if (r == null) {
          break;
        }
        if (r.entry().seq() == nextSeq - 1 && !Arrays.equals(r.entry().hash(), lastHash)) {
          throw fence("seq " + (nextSeq - 1) + " here differs from the bucket's");
        }
        if (r.entry().seq() == nextSeq) {
          break;
        }
        seen = r.entry().seq();
        pos += r.entry().length();
      }
      if (seen < nextSeq - 1 && pos >= size) {
        // The bucket goes on past this history's end (a recovery to an earlier point, say).
        throw fence(
            "the bucket holds seqs up to "
                + (nextSeq - 1)
                + " and this history ends at "
                + seen
                + "; ship it to a new prefix");
      }
      segment = found;
      offset = pos;
    }
  }

  /** The next batch of complete records up to the target, or null when there is none. */
  private Batch readBatch(String endSegment, long end) throws IOException {
    if (segment == null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long first = -1;
    long last = -1;
    byte[] hash = null;
    String seg = segment;
    long pos = offset;
    while (out.size() < MAX_OBJECT_BYTES && seg != null) {
      int cmp = seg.compareTo(endSegment);
      if (cmp > 0) {
        break;
      }
      long limit = cmp == 0 ? end : sizeOf(seg);
      Record r = null;
      if (pos < limit) {
        try (FileChannel ch = FileChannel.open(dir.resolve(seg), StandardOpenOption.READ)) {
          while (out.size() < MAX_OBJECT_BYTES
              && (r = readRecord(ch, pos, limit, first < 0 && lastHash != null)) != null) {
            long seq = r.entry().seq();
            if (seq != (first < 0 ? nextSeq : last + 1)) {
              throw new IOException(
                  "local history of " + databaseId + " has seq " + seq + " out of order");
            }
            if (first < 0 && lastHash != null && !Arrays.equals(r.rehash(lastHash), r.hash())) {
              throw fence("seq " + seq + " here does not continue the bucket's hash chain");
            }
            if (first < 0) {
              first = seq;
            }
            last = seq;
            hash = r.hash();
            out.write(r.bytes());
            pos += r.bytes().length;
          }
        }
      }
      if (cmp == 0 || (r == null && pos < limit)) {
        break;
      }
      if (out.size() >= MAX_OBJECT_BYTES) {
        break;
      }
      String next = nextSegment(seg);
      if (next == null) {
        break;
      }
      seg = next;
      pos = 0;
    }
    if (first < 0) {
      return null;
    }
    return new Batch(first, last, hash, out.toByteArray(), seg, pos);
  }

  /** Uploads the local snapshots the bucket lacks, up to {@code upTo}, oldest first. */
  private void shipSnapshots(long upTo) throws IOException {
    for (String name : localNames("snap-*")) {
      long seq = SegmentLog.seqOf(name);
      if (seq > upTo || remoteSnapshots.contains(seq)) {
        continue;
      }
      Path file = dir.resolve(name);
      try {
        remote.putIfAbsent(BucketNames.snapshot(databaseId, seq), file);
        counters.uploaded(Files.size(file));
      } catch (NoSuchFileException pruned) {
        continue;
      }
      remoteSnapshots.add(seq);
    }
  }

  // --- retention in the bucket -----------------------------------------------------------------

  /**
   * Deletes from the bucket what retention deleted here: snapshots the local history no longer has,
   * and log objects wholly before the first local segment. The last log object stays (it holds the
   * bucket's end).
   */
  synchronized void pruneRemote() throws IOException {
    if (!started || fenced != null) {
      return;
    }
    List<String> segments = localSegments();
    if (segments.isEmpty()) {
      return;
    }
    long keepFrom = SegmentLog.seqOf(segments.get(0));
    TreeSet<Long> localSnaps = new TreeSet<>();
    for (String s : localNames("snap-*")) {
      localSnaps.add(SegmentLog.seqOf(s));
    }
    for (Long s : new ArrayList<>(remoteSnapshots)) {
      if (s < keepFrom && !localSnaps.contains(s)) {
        remote.delete(BucketNames.snapshot(databaseId, s));
        remoteSnapshots.remove(s);
      }
    }
    List<Long> firsts = new ArrayList<>(remoteLogs.keySet());
    for (int i = 0; i + 1 < firsts.size(); i++) {
      if (firsts.get(i + 1) <= keepFrom) {
        remote.delete(remoteLogs.remove(firsts.get(i)));
      }
    }
  }

  /** The bucket's log objects by first seq (a copy); none while not started or fenced. */
  synchronized TreeMap<Long, String> remoteLogs() {
    return started && fenced == null ? new TreeMap<>(remoteLogs) : new TreeMap<>();
  }

  /** The compacted object {@code name} now stands for the log objects from {@code first} on. */
  synchronized void compacted(long first, String name) {
    BucketNames.addLog(remoteLogs, first, name);
  }

  // --- local files ----------------------------------------------------------------------------

  private List<String> localSegments() throws IOException {
    return localNames("seg-*");
  }

  private List<String> localNames(String glob) throws IOException {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.endsWith(".tmp")) {
          names.add(n);
        }
      }
    }
    names.sort(null);
    return names;
  }

  private String nextSegment(String seg) throws IOException {
    for (String s : localSegments()) {
      if (s.compareTo(seg) > 0) {
        return s;
      }
    }
    return null;
  }

  private long sizeOf(String seg) throws IOException {
    try {
      return Files.size(dir.resolve(seg));
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** One complete record read from a segment, or null at its end or a torn record. */
  private static Record readRecord(FileChannel ch, long pos, long limit, boolean withPages)
      throws IOException {
    if (limit - pos < RecordCodec.HEADER) {
      return null;
    }
    ByteBuffer header = SegmentLog.read(ch, pos, RecordCodec.HEADER);
    int len = RecordCodec.bodyLength(header);
    long total = (long) RecordCodec.HEADER + len + RecordCodec.TRAILER;
    if (len <= 0 || pos + total > limit) {
      return null;
    }
    ByteBuffer all = SegmentLog.read(ch, pos, (int) total);
    HistoryRecord r =
        RecordCodec.decode(
            all.slice(RecordCodec.HEADER, len + RecordCodec.TRAILER), len, withPages);
    if (r == null) {
      return null;
    }
    return new Record(
        r, new LogObject.Entry(r.seq(), r.timeMicros(), r.hash(), 0, (int) total), all.array());
  }

  /** A record as read: decoded, its place, its bytes. */
  private record Record(HistoryRecord record, LogObject.Entry entry, byte[] bytes) {
    byte[] hash() {
      return record.hash();
    }

    byte[] rehash(byte[] previous) {
      return RecordCodec.rehash(previous, record);
    }
  }

  /** Records to ship as one object, and where the local history stands after them. */
  private record Batch(
      long firstSeq,
      long lastSeq,
      byte[] lastHash,
      byte[] bytes,
      String endSegment,
      long endOffset) {}
}
