package dev.opend1.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake of {@link BookmarkIndex.SealedEntries}: every entry added through it, kept by segment as
 * the segments' index files would keep them, and a count of the reads a lookup made.
 */
final class MemorySealedEntries implements BookmarkIndex.SealedEntries {

  private final Map<String, List<LogEntry>> bySegment = new HashMap<>();
  final BookmarkIndex index = new BookmarkIndex(this);
  int reads;

  /** Adds the entry of the next record to the index and to its segment's "file". */
  void add(LogEntry e) {
    bySegment.computeIfAbsent(e.segment(), s -> new ArrayList<>()).add(e);
    index.add(e);
  }

  /**
   * Cuts {@code segment} at {@code offset}, as a failed write cuts the log: its file and the index.
   */
  void cut(String segment, long offset) {
    bySegment.getOrDefault(segment, new ArrayList<>()).removeIf(e -> e.offset() >= offset);
    index.dropFrom(segment, offset);
  }

  @Override
  public List<LogEntry> read(SealedSegment segment) {
    reads++;
    return List.copyOf(bySegment.get(segment.name()));
  }
}
