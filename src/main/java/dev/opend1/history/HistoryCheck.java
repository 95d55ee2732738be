package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a database's history without changing it (for {@code opend1 doctor}, offline or online
 * through {@link History#check}) and says what is wrong: segments that cannot be read, records
 * whose seq does not follow the previous one (a lost segment), a broken hash chain, a checkpoint
 * past the last record. It uses the history's own record codec, so it checks exactly what a restore
 * would read.
 *
 * <p>A torn record at the end of the last segment is what a crash leaves; the server cuts it off at
 * its next start, so it is a note, not a problem.
 */
public final class HistoryCheck {

  /** What was found: problems (the history is not sound) and notes (harmless). */
  public record Result(List<String> problems, List<String> notes, long records) {}

  private HistoryCheck() {}

  /** Checks the history of database {@code databaseId} kept in {@code dir}. */
  public static Result check(String databaseId, Path dir) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      problems.add("history directory " + dir + " is missing");
      return new Result(problems, notes, 0);
    }
    long records = 0;
    try {
      LocalHistoryStore store = new LocalHistoryStore(dir);
      byte[] format = store.readSmall("FORMAT");
      if (format != null
          && !new String(format, StandardCharsets.UTF_8).trim().equals(SegmentLog.FORMAT)) {
        problems.add("history format is not " + SegmentLog.FORMAT);
        return new Result(problems, notes, 0);
      }
      // Read before the segments: on a running server a commit and a checkpoint may land while
      // the segments are read, and must not look like a checkpoint past the history's end.
      byte[] cp = store.readSmall("checkpoint");
      List<String> segments =
          store.names().stream().filter(n -> n.startsWith("seg-")).sorted().toList();
      if (segments.isEmpty()) {
        problems.add("history has no segments");
        return new Result(problems, notes, 0);
      }
      long lastSeq = -1;
      byte[] lastHash = null;
      for (int i = 0; i < segments.size(); i++) {
        String segment = segments.get(i);
        boolean lastSegment = i == segments.size() - 1;
        long firstSeq = SegmentLog.seqOf(segment);
        if (lastSeq >= 0 && firstSeq != lastSeq + 1) {
          problems.add(
              "history jumps from seq "
                  + lastSeq
                  + " to segment "
                  + segment
                  + " (a segment is missing)");
          lastHash = null;
        }
        try (FileChannel ch = store.openRead(segment)) {
          long size = ch.size();
          long pos = 0;
          boolean first = true;
          while (pos < size) {
            HistoryRecord r = null;
            RecordCheck.Checked checked = null;
            long length = 0;
            if (size - pos >= RecordCodec.HEADER) {
              ByteBuffer header = SegmentLog.read(ch, pos, RecordCodec.HEADER);
              int len = RecordCodec.bodyLength(header);
              length = len <= 0 ? -1 : (long) RecordCodec.HEADER + len + RecordCodec.TRAILER;
              if (len > 0 && pos + length <= size) {
                // Its hash is checked against the one before it, or the seed if it is seq 0.
                checked =
                    RecordCheck.read(
                        ch,
                        pos,
                        size,
                        lastHash != null ? lastHash : RecordCodec.seedHash(databaseId));
                r = checked == null ? null : checked.record();
              }
            }
            if (r == null) {
              String where = "history segment " + segment + " is damaged at byte " + pos;
              // Only an incomplete last record is a crash's torn tail; a bad record with more
              // after it lost committed history.
              if (lastSegment && (length <= 0 || pos + length >= size)) {
                notes.add(where + " (a torn tail; the server cuts it off at its next start)");
              } else {
                problems.add(where);
              }
              break;
            }
            if (first && r.seq() != firstSeq) {
              problems.add(
                  "history segment " + segment + " starts at seq " + r.seq() + ", not " + firstSeq);
            }
            first = false;
            if (lastSeq >= 0 && r.seq() != lastSeq + 1) {
              problems.add(
                  "history seq " + r.seq() + " in " + segment + " does not follow " + lastSeq);
              lastHash = null;
            }
            if ((lastHash != null || r.seq() == 0) && !checked.chainHolds()) {
              problems.add("history hash chain is broken at seq " + r.seq() + " in " + segment);
            }
            lastSeq = r.seq();
            lastHash = r.hash();
            records++;
            pos += length;
          }
        }
      }
      long firstSeq = SegmentLog.seqOf(segments.get(0));
      boolean covered =
          store.names().stream()
              .filter(n -> n.startsWith("snap-"))
              .map(SegmentLog::seqOf)
              .anyMatch(snap -> snap >= firstSeq - 1);
      if (!covered) {
        problems.add(
            "the history starts at seq "
                + firstSeq
                + " with no snapshot at or after it: its first records are missing");
      }
      if (cp != null) {
        long checkpoint = Long.parseLong(new String(cp, StandardCharsets.UTF_8).trim());
        if (checkpoint > lastSeq) {
          problems.add(
              "the database file is checkpointed at seq "
                  + checkpoint
                  + " but the history ends at seq "
                  + lastSeq);
        }
      }
    } catch (IOException | RuntimeException e) {
      problems.add("history " + dir + " cannot be read: " + e.getMessage());
    }
    return new Result(problems, notes, records);
  }
}
