package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files of one history, {@code seg-<first seq>.log}: indexing them at open (cutting a
 * torn record off the end of the last one), appending records to the open segment, sealing it by
 * size or age (a sealed segment is never modified again), and cutting it back after a failure.
 * Snapshot names ({@code snap-<seq>.db}) are spelled here too.
 *
 * <p>Not thread-safe: {@link DatabaseHistory} guards it with its lock. Only an fsync runs outside
 * that lock, on the channel {@link #channel} gave under it.
 */
final class SegmentLog {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);

  /** The format stamp a history directory carries in its {@code FORMAT} file. */
  static final String FORMAT = "opend1-history 1";

  /** A segment is sealed (a new one started) once it is this large. */
  static final long SEGMENT_BYTES = 64L * 1024 * 1024;

  /** A segment is also sealed once its first record is this old, so no object stays open long. */
  static final long SEGMENT_MAX_AGE_MICROS = 3_600_000_000L;

  private final HistoryStore store;

  /** Whose history it is: damage found in a sealed segment is reported naming it. */
  private final String databaseId;

  private String openSegment;
  private FileChannel openChannel;
  private long openSize;

  /** Commit time of the open segment's first record, for sealing by age. */
  private long openSince;

  /** Age past which the open segment is sealed; {@link #SEGMENT_MAX_AGE_MICROS} but in tests. */
  private long maxSegmentAgeMicros = SEGMENT_MAX_AGE_MICROS;

  /** Bytes appended since the log was opened: group commit's tickets. */
  private long appended;

  /** The page size of the newest record, or -1 before the first. */
  private int lastPageSize = -1;

  SegmentLog(HistoryStore store, String databaseId) {
    this.store = store;
    this.databaseId = databaseId;
  }

  /**
   * Checks the format, indexes every segment into {@code index} and opens the last segment for
   * appending. A sealed segment is indexed from its {@link SegmentIndex} file when that holds;
   * otherwise it is scanned (a damaged one fails) and its index file written for the next open. The
   * last segment is always scanned, and a torn record at its end cut off. Returns the page size of
   * the last record, or -1 when there is none.
   */
  int load(BookmarkIndex index) throws IOException {
    byte[] format = store.readSmall("FORMAT");
    if (format != null && !new String(format, StandardCharsets.UTF_8).trim().equals(FORMAT)) {
      throw new IOException(
          "history format '"
              + new String(format, StandardCharsets.UTF_8).trim()
              + "' is not "
              + FORMAT);
    }
    List<String> segments = new ArrayList<>();
    List<String> indexes = new ArrayList<>();
    for (String name : store.names()) {
      if (name.startsWith("seg-")) {
        segments.add(name);
      } else if (SegmentIndex.segmentOf(name) != null) {
        indexes.add(name);
      }
    }
    for (String idx : indexes) {
      // The index of a segment retention deleted (a crash between the two deletions).
      if (!segments.contains(SegmentIndex.segmentOf(idx))) {
        store.delete(idx);
      }
    }
    int pageSize = -1;
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (!last && fromIndexFile(segment, index)) {
        pageSize = lastPageSize;
        continue;
      }
      Scan scan = scan(segment, last, index.isEmpty() ? -1 : index.lastSeq() + 1);
      pageSize = scan.lastPageSize() > 0 ? scan.lastPageSize() : pageSize;
      if (last) {
        scan.entries().forEach(index::add);
      } else if (!scan.entries().isEmpty()) {
        writeIndex(segment, scan.entries(), pageSize);
        index.addSealed(SealedSegment.of(scan.entries()));
      }
    }
    lastPageSize = pageSize;
    if (!segments.isEmpty()) {
      openSegment = segments.get(segments.size() - 1);
      openChannel = store.openAppend(openSegment);
      openSize = openChannel.size();
      openSince =
          index.entriesIn(openSegment).stream()
              .findFirst()
              .map(LogEntry::timeMicros)
              .orElse(Long.MAX_VALUE);
    }
    return pageSize;
  }

  /**
   * Adds a sealed segment to the index from its index file, when that file holds and the segment
   * follows the records already indexed; false when the segment must be scanned instead. Sets
   * {@link #lastPageSize}.
   */
  private boolean fromIndexFile(String segment, BookmarkIndex index) throws IOException {
    long length;
    try (FileChannel ch = store.openRead(segment)) {
      length = ch.size();
    }
    Optional<SegmentIndex.Entries> read = SegmentIndex.read(store, segment, length);
    if (read.isEmpty()
        || (!index.isEmpty() && read.get().entries().get(0).seq() != index.lastSeq() + 1)) {
      return false;
    }
    index.addSealed(SealedSegment.of(read.get().entries()));
    lastPageSize = read.get().lastPageSize();
    return true;
  }

  /**
   * Every entry of a sealed segment, oldest first, for a lookup of the {@link BookmarkIndex}: from
   * its index file, or, when that does not hold (never written, after retention cut the segment's
   * first records from the index at its seal, or damaged since), by scanning the segment, whose
   * index file is then written again. A damaged segment fails.
   */
  List<LogEntry> entriesOf(SealedSegment s) throws IOException {
    String segment = s.name();
    Optional<SegmentIndex.Entries> read = SegmentIndex.read(store, segment, s.length());
    if (read.isPresent()) {
      return read.get().entries();
    }
    Scan scan = scan(segment, false, -1);
    writeIndex(segment, scan.entries(), scan.lastPageSize());
    return scan.entries();
  }

  /**
   * Writes a sealed segment's index file, when {@code entries} cover it from its first byte (after
   * retention dropped a segment's first records from the index they do not, and the first lookup in
   * it scans it). A failure is only logged: the index is a shortcut, and its absence costs the next
   * open, or lookup, a scan of the segment.
   */
  private void writeIndex(String segment, List<LogEntry> entries, int pageSize) {
    if (entries.isEmpty() || entries.get(0).offset() != 0) {
      return;
    }
    LogEntry end = entries.get(entries.size() - 1);
    try {
      store.writeSmall(
          SegmentIndex.nameFor(segment),
          SegmentIndex.encode(end.offset() + end.length(), entries, pageSize));
    } catch (IOException e) {
      LOG.warn("index of history segment {} not written: {}", segment, e.getMessage());
    }
  }

  /**
   * A segment's entries, oldest first, and the page size of its last record (-1 when it has none).
   */
  private record Scan(List<LogEntry> entries, int lastPageSize) {}

  /**
   * Reads every record of one segment, the first of which must have seq {@code nextSeq} (any when
   * -1), each following the one before. Damage fails a sealed segment; in the {@code last} one it
   * is a torn tail, cut off.
   */
  private Scan scan(String segment, boolean last, long nextSeq) throws IOException {
    List<LogEntry> entries = new ArrayList<>();
    int pageSize = -1;
    try (FileChannel ch = store.openRead(segment)) {
      long size = ch.size();
      long pos = 0;
      while (pos < size) {
        LogEntry e = null;
        RecordCheck.Checked c = RecordCheck.read(ch, pos, size, null);
        if (c != null && (nextSeq < 0 || c.record().seq() == nextSeq)) {
          e = LogEntry.of(c.record(), segment, pos, c.length());
          pageSize = c.record().pageSize();
        }
        if (e == null) {
          if (!last) {
            throw HistoryDamage.found(store, databaseId, segment, pos);
          }
          store.truncate(segment, pos);
          break;
        }
        entries.add(e);
        nextSeq = e.seq() + 1;
        pos += e.length();
      }
    }
    return new Scan(entries, pageSize);
  }

  /** Writes the format stamp of a new history. */
  void stamp() throws IOException {
    store.writeSmall("FORMAT", (FORMAT + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** True when a record committed at {@code timeMicros} must start a new segment. */
  boolean sealDue(long timeMicros) {
    return openChannel == null
        || openSize >= SEGMENT_BYTES
        || timeMicros - openSince >= maxSegmentAgeMicros;
  }

  /**
   * Seals the open segment (fsyncs and closes it; it is never written again), writes its index file
   * from its entries in {@code index}, and starts a new segment for the record {@code firstSeq},
   * committed at {@code timeMicros}. Returns the bytes durable now: everything appended so far.
   */
  long seal(long firstSeq, long timeMicros, BookmarkIndex index) throws IOException {
    if (openChannel != null) {
      store.sync(openSegment, openChannel, openSize);
      openChannel.close();
      writeIndex(openSegment, index.entriesIn(openSegment), lastPageSize);
    }
    openSegment = segName(firstSeq);
    openChannel = store.openAppend(openSegment);
    openSize = openChannel.size();
    openSince = timeMicros;
    return appended;
  }

  /**
   * A record to append, written by whoever has its bytes: already encoded ({@link #of}), or
   * streamed from the WAL ({@link CommitWriter}).
   */
  interface RecordWrite {
    long seq();

    long timeMicros();

    /** Writes the record at {@code at} of {@code out}; what it wrote. */
    Written writeTo(FileChannel out, long at) throws IOException;

    /** An encoded record ({@link RecordCodec#encode}). */
    static RecordWrite of(HistoryRecord r, ByteBuffer bytes) {
      return new RecordWrite() {
        @Override
        public long seq() {
          return r.seq();
        }

        @Override
        public long timeMicros() {
          return r.timeMicros();
        }

        @Override
        public Written writeTo(FileChannel out, long at) throws IOException {
          int length = bytes.remaining();
          while (bytes.hasRemaining()) {
            out.write(bytes, at + bytes.position());
          }
          return new Written(r, length);
        }
      };
    }
  }

  /** A record written: the record (its pages not necessarily in memory) and its length. */
  record Written(HistoryRecord record, int length) {}

  /**
   * Appends a record to the open segment; returns its entry. A write that fails part way is cut off
   * again, so no partial record stays between this one's place and the next.
   */
  LogEntry append(RecordWrite write) throws IOException {
    long pos = openSize;
    Written w;
    try {
      w = write.writeTo(openChannel, pos);
    } catch (IOException | RuntimeException e) {
      try {
        openChannel.truncate(pos);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    lastPageSize = w.record().pageSize();
    openSize += w.length();
    appended += w.length();
    return LogEntry.of(w.record(), openSegment, pos, w.length());
  }

  /** Bytes appended since the log was opened. */
  long appended() {
    return appended;
  }

  /** The open segment's channel, for an fsync. */
  FileChannel channel() {
    return openChannel;
  }

  /** The open segment's length: what an fsync begun now covers. */
  long openSize() {
    return openSize;
  }

  /**
   * After a failure: cuts the open segment back so that only the first {@code durableBytes} ever
   * appended remain. Returns the open segment's length kept (the index forgets the records from
   * there on), or -1 when nothing past {@code durableBytes} is there. A failure to cut is added to
   * {@code cause}.
   */
  long cutBack(long durableBytes, IOException cause) {
    long cut = appended - durableBytes;
    if (cut <= 0 || openChannel == null) {
      return -1;
    }
    long keep = Math.max(0, openSize - cut);
    try {
      openChannel.truncate(keep);
      openChannel.force(true);
      openSize = keep;
      appended = durableBytes;
    } catch (IOException again) {
      cause.addSuppressed(again);
    }
    return keep;
  }

  /** The segment being appended to, or null before the first record. */
  String openSegment() {
    return openSegment;
  }

  /** Seals segments after {@code micros} instead of an hour (tests). */
  void sealSegmentsAfter(long micros) {
    maxSegmentAgeMicros = micros;
  }

  /**
   * Deletes a sealed segment (retention), its index file first: a crash between the two leaves a
   * segment without an index (scanned at the next open), never an index without its segment for
   * long (deleted at the next open).
   */
  void deleteSealed(String segment) throws IOException {
    store.delete(SegmentIndex.nameFor(segment));
    store.delete(segment);
  }

  /**
   * Deletes what a prune removes, segments oldest first, then snapshots. A crash part way leaves a
   * shorter contiguous log, and what it left the next open finishes ({@link PrunePlan#done}).
   */
  void deletePruned(PrunePlan plan) throws IOException {
    for (String s : plan.segments()) {
      deleteSealed(s);
    }
    for (Long s : plan.snapshots()) {
      store.delete(snapName(s));
    }
  }

  /** Makes the open segment durable and closes it. */
  void close() throws IOException {
    if (openChannel != null) {
      openChannel.force(false);
      openChannel.close();
      openChannel = null;
    }
  }

  static String segName(long seq) {
    return "seg-%016x.log".formatted(seq);
  }

  static String snapName(long seq) {
    return "snap-%016x.db".formatted(seq);
  }

  /** The seq in a segment's or snapshot's name ({@code seg-<16 hex>.log}, {@code snap-...}). */
  static long seqOf(String name) {
    int dash = name.indexOf('-');
    return Long.parseLong(name.substring(dash + 1, dash + 17), 16);
  }

  /** Reads {@code len} bytes at {@code pos}; the segment ending first is an error. */
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
