package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One database's local history files as a {@link Replica} reads them to ship them: the segments and
 * snapshots by name, and whole records read from a segment without the history's lock (a record is
 * complete once its checksum holds; a torn one at the end is where reading stops).
 */
final class LocalSegments {

  private final Path dir;

  LocalSegments(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** The segment files, oldest first. */
  List<String> segments() throws IOException {
    return names("seg-*");
  }

  /** The files matching {@code glob}, sorted, without scratch files. */
  List<String> names(String glob) throws IOException {
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

  /** The segment after {@code seg}, or null when it is the last. */
  String next(String seg) throws IOException {
    for (String s : segments()) {
      if (s.compareTo(seg) > 0) {
        return s;
      }
    }
    return null;
  }

  /** A segment's size; 0 when retention removed it meanwhile. */
  long size(String seg) throws IOException {
    try {
      return Files.size(dir.resolve(seg));
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** The hash of the local record at {@code seq}, or null when the segments do not hold it. */
  byte[] hashAt(long seq) throws IOException {
    String found = null;
    for (String s : segments()) {
      if (SegmentLog.seqOf(s) <= seq) {
        found = s;
      }
    }
    if (found == null) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(found), StandardOpenOption.READ)) {
      long size = ch.size();
      long pos = 0;
      for (Record r; (r = read(ch, pos, size, false)) != null; pos += r.entry().length()) {
        if (r.entry().seq() == seq) {
          return r.hash();
        }
      }
    } catch (NoSuchFileException pruned) {
      return null;
    }
    return null;
  }

  /**
   * One complete record read from a segment at {@code pos}, or null at its end or a torn record.
   */
  static Record read(FileChannel ch, long pos, long limit, boolean withPages) throws IOException {
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

  /**
   * The failure of a shipment that reached a damaged record at {@code pos} of {@code segment}
   * before {@code limit}: a record known whole (up to a commit's durable end, or in a sealed
   * segment) that does not read as one. It fails every shipment from there (counted and logged as
   * shipping failures, the lag growing) until an operator repairs the history.
   */
  static IOException damaged(String databaseId, String segment, long pos, long seq) {
    return new IOException(
        "history segment "
            + segment
            + " of "
            + databaseId
            + " is damaged at byte "
            + pos
            + ": seq "
            + seq
            + " and later cannot be shipped (opend1 doctor reports the damage)");
  }

  /** A record as read: decoded, its place, its bytes. */
  record Record(HistoryRecord record, LogObject.Entry entry, byte[] bytes) {
    byte[] hash() {
      return record.hash();
    }

    byte[] rehash(byte[] previous) {
      return RecordCodec.rehash(previous, record);
    }
  }
}
