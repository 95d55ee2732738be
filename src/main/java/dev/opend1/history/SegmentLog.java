package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

  /** The format stamp a history directory carries in its {@code FORMAT} file. */
  static final String FORMAT = "opend1-history 1";

  /** A segment is sealed (a new one started) once it is this large. */
  static final long SEGMENT_BYTES = 64L * 1024 * 1024;

  /** A segment is also sealed once its first record is this old, so no object stays open long. */
  static final long SEGMENT_MAX_AGE_MICROS = 3_600_000_000L;

  private final HistoryStore store;
  private String openSegment;
  private FileChannel openChannel;
  private long openSize;

  /** Commit time of the open segment's first record, for sealing by age. */
  private long openSince;

  /** Age past which the open segment is sealed; {@link #SEGMENT_MAX_AGE_MICROS} but in tests. */
  private long maxSegmentAgeMicros = SEGMENT_MAX_AGE_MICROS;

  /** Bytes appended since the log was opened: group commit's tickets. */
  private long appended;

  SegmentLog(HistoryStore store) {
    this.store = store;
  }

  /**
   * Checks the format, indexes every segment into {@code index} (a torn record at the end of the
   * last one is cut off; anything else damaged fails) and opens the last segment for appending.
   * Returns the page size of the last record, or -1 when there is none.
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
    for (String name : store.names()) {
      if (name.startsWith("seg-")) {
        segments.add(name);
      }
    }
    int pageSize = -1;
    for (int i = 0; i < segments.size(); i++) {
      pageSize = scan(segments.get(i), i == segments.size() - 1, index, pageSize);
    }
    if (!segments.isEmpty()) {
      openSegment = segments.get(segments.size() - 1);
      openChannel = store.openAppend(openSegment);
      openSize = openChannel.size();
      openSince = index.firstTimeIn(openSegment).orElse(Long.MAX_VALUE);
    }
    return pageSize;
  }

  /** Indexes one segment; returns the page size of its last record (or {@code pageSize}). */
  private int scan(String segment, boolean last, BookmarkIndex index, int pageSize)
      throws IOException {
    try (FileChannel ch = store.openRead(segment)) {
      long size = ch.size();
      long pos = 0;
      while (pos < size) {
        LogEntry e = null;
        if (size - pos >= RecordCodec.HEADER) {
          ByteBuffer header = read(ch, pos, RecordCodec.HEADER);
          int len = RecordCodec.bodyLength(header);
          if (len > 0 && pos + RecordCodec.HEADER + len + RecordCodec.TRAILER <= size) {
            HistoryRecord r =
                RecordCodec.decode(
                    read(ch, pos + RecordCodec.HEADER, len + RecordCodec.TRAILER), len, false);
            if (r != null && (index.isEmpty() || r.seq() == index.lastSeq() + 1)) {
              e = LogEntry.of(r, segment, pos, RecordCodec.HEADER + len + RecordCodec.TRAILER);
              pageSize = r.pageSize();
            }
          }
        }
        if (e == null) {
          if (!last) {
            throw new IOException("history segment " + segment + " is damaged at byte " + pos);
          }
          store.truncate(segment, pos);
          return pageSize;
        }
        index.add(e);
        pos += e.length();
      }
    }
    return pageSize;
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
   * Seals the open segment (fsyncs and closes it; it is never written again) and starts a new one
   * for the record {@code firstSeq}, committed at {@code timeMicros}. Returns the bytes durable
   * now: everything appended so far.
   */
  long seal(long firstSeq, long timeMicros) throws IOException {
    if (openChannel != null) {
      store.sync(openSegment, openChannel, openSize);
      openChannel.close();
    }
    openSegment = segName(firstSeq);
    openChannel = store.openAppend(openSegment);
    openSize = openChannel.size();
    openSince = timeMicros;
    return appended;
  }

  /** Appends an encoded record to the open segment; returns its entry. */
  LogEntry append(HistoryRecord r, ByteBuffer bytes) throws IOException {
    long pos = openSize;
    while (bytes.hasRemaining()) {
      openChannel.write(bytes, pos + bytes.position());
    }
    int length = bytes.limit();
    openSize += length;
    appended += length;
    return LogEntry.of(r, openSegment, pos, length);
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
