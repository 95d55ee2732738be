package dev.opend1.history;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Ships one database's local history to object storage, in order: every record the local segments
 * hold, as log objects named by their first seq and this server's writer generation, each snapshot
 * before the first record that needs it, and the database's metadata whenever it changed. It reads
 * the local files only (never the database), so it can catch up after a restart before the database
 * is opened.
 *
 * <p>Its place in the bucket comes from the bucket itself: at its first use it stores its
 * generation's claim, lists the database's objects, follows their chain ({@link LogChain}) and
 * reads the last log object, so nothing local says what was shipped. A first record that does not
 * continue the bucket's hash chain, or a higher generation's claim, means another server writes to
 * the same prefix: the replica is then fenced and every later shipment fails. A log object that
 * exists already under its own name ({@code If-None-Match: *} refused) is an upload of its own it
 * gave up on: the bucket's end is read again ({@link ChainEnd} removes or adopts it). The claims
 * are listed at most once per {@link #CLAIMS_EVERY} (and at the start): an upload within that time
 * of the last listing that began counts without one, so a fenced replica may count uploads for that
 * long after a newer claim (docs/backups.md says what that weakens).
 *
 * <p>Shipments are serialized by the replica's monitor; the lag ({@link ShippingLag}: what is
 * durable here but not there) has its own lock, so a commit noting its bytes never waits for an
 * upload.
 */
final class Replica {

  /** A log object is cut at a record boundary once it is this large. */
  static final int MAX_OBJECT_BYTES = 16 * 1024 * 1024;

  /** How long one listing of the claims vouches for the uploads that follow it. */
  static final Duration CLAIMS_EVERY = Duration.ofSeconds(1);

  private final String databaseId;
  private final ObjectStore remote;
  private final Path dir;
  private final LocalSegments local;
  private final MetadataObjects metadata;
  private final long generation;

  /** Whether the generation is a cluster lease's: then late lower uploads are left out. */
  private final boolean leased;

  private final ReplicationCounters counters;
  private final Claims claims;

  // Guarded by this (one shipment at a time), as is claims.
  private boolean started;
  private long nextSeq = -1;
  private byte[] lastHash;
  private String segment;
  private long offset;
  private final TreeMap<Long, String> remoteLogs = new TreeMap<>();
  private final TreeMap<Long, String> remoteSnapshots = new TreeMap<>();

  /** Why shipping stopped for good, or null; written under this, read by writes without it. */
  private volatile String fenced;

  /** What is durable here and not yet shipped; has its own lock, never this one. */
  private final ShippingLag lag;

  /**
   * A replica writing under {@code generation}, for a cluster lease holder or not ({@code leased}:
   * a lower generation's late uploads at the bucket's end are left out, {@link ChainEnd}), with the
   * claims' period and the clock that times it and the lag.
   */
  Replica(
      String databaseId,
      ObjectStore remote,
      Path historyDir,
      Path metaFile,
      long generation,
      boolean leased,
      ReplicationCounters counters,
      Duration claimsEvery,
      LongSupplier nanoClock) {
    this.leased = leased;
    this.databaseId = databaseId;
    this.remote = remote;
    this.dir = historyDir;
    this.local = new LocalSegments(historyDir);
    this.metadata = new MetadataObjects(databaseId, remote, metaFile, generation, counters);
    this.generation = generation;
    this.counters = counters;
    this.claims = new Claims(databaseId, remote, generation, claimsEvery, nanoClock);
    this.lag = new ShippingLag(nanoClock);
  }

  String databaseId() {
    return databaseId;
  }

  /** Why this database's history is no longer shipped (another writer), or null. */
  String fenced() {
    return fenced;
  }

  // --- the lag --------------------------------------------------------------------------------

  /** Local history up to {@code end} of {@code segmentName} is durable here and must be shipped. */
  void note(String segmentName, long end) {
    lag.note(segmentName, end);
  }

  /** Bytes durable here and not yet in object storage. */
  long lagBytes() {
    return lag.bytes();
  }

  /** How long the oldest unshipped byte has waited, in nanoseconds (0 when nothing waits). */
  long lagNanos() {
    return lag.nanos();
  }

  /** Ships up to what {@link #note} last said is durable here. */
  void shipNoted() throws IOException {
    ShippingLag.Position waiting = lag.waiting();
    if (waiting != null) {
      ship(waiting.segment(), waiting.end());
    }
  }

  /** Ships everything the local segments hold (a restart's catch-up). */
  void shipAll() throws IOException {
    List<String> segments = local.segments();
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
    boolean reread = false;
    while (true) {
      Batch b = readBatch(endSegment, end);
      if (b == null) {
        // Everything readable up to the target is in the bucket: nothing waits up to there.
        lag.shippedUpTo(new ShippingLag.Position(endSegment, end), 0);
        break;
      }
      shipSnapshots(b.lastSeq());
      String name = BucketNames.log(databaseId, b.firstSeq(), generation);
      if (!remote.putIfAbsent(name, b.bytes())) {
        if (reread) {
          throw fence(
              "object "
                  + name
                  + " exists with other records: another server writes to this prefix");
        }
        // Under this writer's own name: an upload of its own given up on, taken by the store late.
        // Reading the bucket's end again adopts it or removes it (ChainEnd), once.
        reread = true;
        started = false;
        start();
        continue;
      }
      // Stored: it counts only if no newer generation claimed the database meanwhile, as far as
      // a listing of the claims begun less than CLAIMS_EVERY ago tells.
      if (claims.due()) {
        checkNotSuperseded();
      }
      counters.uploaded(b.bytes().length);
      remoteLogs.put(b.firstSeq(), name);
      nextSeq = b.lastSeq() + 1;
      lastHash = b.lastHash();
      segment = b.endSegment();
      offset = b.endOffset();
      lag.shippedUpTo(new ShippingLag.Position(segment, offset), b.bytes().length);
    }
  }

  /** Ships nothing more (after a running shipment): a newer replica took over, not a writer. */
  synchronized void retire() {
    fenced = "history of " + databaseId + " is shipped by a newer replica of it";
  }

  private IOException fence(String why) {
    fenced = "history of " + databaseId + " is no longer shipped: " + why;
    counters.fenced(databaseId);
    return new IOException(fenced);
  }

  /**
   * Reads the bucket's end for this database and finds its place in the local segments. A history
   * that does not continue the bucket's is fenced before it claims anything, so a stale server
   * restarting never stops the one that writes the database. Then the generation's claim is stored
   * and the end read again: a lower generation still writing either finds the claim after its next
   * upload ({@link #checkNotSuperseded}) and stops, or its upload is in this second reading.
   */
  private void start() throws IOException {
    if (started) {
      if (segment == null) {
        locate();
      }
      return;
    }
    String end = readEnd();
    locate();
    claims.store();
    // The claims below this one are superseded: a lower writer looks for one above its own, and
    // finds this one, which stays until a higher one supersedes it in turn.
    for (String lower : checkNotSuperseded()) {
      remote.delete(lower);
    }
    if (!java.util.Objects.equals(readEnd(), end)) {
      segment = null;
      locate();
    }
    started = true;
    shipMetadata();
  }

  /** Lists the database's objects, follows their chain and reads its end; the last log's name. */
  private String readEnd() throws IOException {
    String prefix = BucketNames.database(databaseId);
    List<String> names = new ArrayList<>();
    String newestMeta = null;
    long newestMetaTime = -1;
    for (ObjectStore.Listed o : remote.list(prefix)) {
      names.add(o.name());
      BucketNames.MetaName m = BucketNames.metaName(o.name().substring(prefix.length()));
      if (m != null && m.timeMicros() >= newestMetaTime) {
        newestMeta = o.name();
        newestMetaTime = m.timeMicros();
      }
    }
    LogChain chain = LogChain.follow(names);
    for (String leftover : chain.covered()) {
      remote.delete(leftover); // merged before a crash kept the merge from deleting it
    }
    remoteLogs.clear();
    remoteLogs.putAll(chain.logs());
    remoteSnapshots.clear();
    remoteSnapshots.putAll(chain.snapshots());
    LogObject.Entry tail =
        ChainEnd.read(
            remote, remoteLogs, remoteSnapshots, leased ? generation : 0, generation, local);
    if (tail != null) {
      nextSeq = tail.seq() + 1;
      lastHash = tail.hash();
    }
    if (newestMeta != null && !metadata.knowsStored()) {
      metadata.stored(remote.get(newestMeta).orElse(null));
    }
    return remoteLogs.isEmpty() ? null : remoteLogs.lastEntry().getValue();
  }

  /**
   * Fences this replica when a generation above its own has claimed the database: another server
   * (or this one restarted with a clock set back) writes it now, and what this one stores after the
   * claim is not the database's history. Returns the claims below this replica's generation.
   */
  private List<String> checkNotSuperseded() throws IOException {
    Claims.Listing l = claims.list();
    if (l.above().isPresent()) {
      throw fence(
          "writer generation "
              + Long.toHexString(l.above().getAsLong())
              + " claimed it after this server's "
              + Long.toHexString(generation)
              + ": another server writes to this prefix (or this machine's clock went back)");
    }
    return l.below();
  }

  /** Stores the database's record when it changed ({@link MetadataObjects}). */
  synchronized void shipMetadata() throws IOException {
    if (started && fenced == null) {
      metadata.shipIfChanged();
    }
  }

  /**
   * Finds the local place of {@code nextSeq}: in the last segment starting at or before it. A local
   * history that does not reach the bucket's end, or whose record before it has another hash, is
   * not this bucket's history: the replica is fenced.
   */
  private void locate() throws IOException {
    List<String> segments = local.segments();
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
        LocalSegments.Record r = LocalSegments.read(ch, pos, size, false);
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
        // The bucket goes on past this history's end: another node's writes, or an earlier point.
        throw fence(
            "the bucket holds seqs up to "
                + (nextSeq - 1)
                + " and this history ends at "
                + seen
                + (leased ? "; another node wrote it since" : "; ship it to a new prefix"));
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
      long limit = cmp == 0 ? end : local.size(seg);
      LocalSegments.Record r = null;
      if (pos < limit) {
        try (FileChannel ch = FileChannel.open(dir.resolve(seg), StandardOpenOption.READ)) {
          while (out.size() < MAX_OBJECT_BYTES
              && (r = LocalSegments.read(ch, pos, limit, first < 0 && lastHash != null)) != null) {
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
      if (r == null && pos < limit && first < 0) {
        // Not an end: a whole record fails its check. "Nothing to ship" would report the bucket
        // current while every later record stays here.
        throw LocalSegments.damaged(databaseId, seg, pos, nextSeq);
      }
      if (cmp == 0 || (r == null && pos < limit)) {
        break;
      }
      if (out.size() >= MAX_OBJECT_BYTES) {
        break;
      }
      String next = local.next(seg);
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
    for (String name : local.names("snap-*")) {
      long seq = SegmentLog.seqOf(name);
      if (seq > upTo || remoteSnapshots.containsKey(seq)) {
        continue;
      }
      Path file = dir.resolve(name);
      String remoteName = BucketNames.snapshot(databaseId, seq, generation);
      try {
        remote.putIfAbsent(remoteName, file);
        counters.uploaded(Files.size(file));
      } catch (NoSuchFileException pruned) {
        continue;
      }
      remoteSnapshots.put(seq, remoteName);
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
    List<String> segments = local.segments();
    if (segments.isEmpty()) {
      return;
    }
    long keepFrom = SegmentLog.seqOf(segments.get(0));
    TreeSet<Long> localSnaps = new TreeSet<>();
    for (String s : local.names("snap-*")) {
      localSnaps.add(SegmentLog.seqOf(s));
    }
    for (Long s : new ArrayList<>(remoteSnapshots.keySet())) {
      if (s < keepFrom && !localSnaps.contains(s)) {
        remote.delete(remoteSnapshots.remove(s));
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

  /** The generation this replica writes under. */
  long generation() {
    return generation;
  }

  /** The compacted object {@code name} now stands for the log objects from {@code first} on. */
  synchronized void compacted(long first, String name) {
    BucketNames.addLog(remoteLogs, first, name);
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
