package dev.opend1.history;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;

/**
 * What retention removes: the segments and snapshots wholly before {@code base}, the newest
 * snapshot taken at or before the cutoff, which is kept with every record from it on (so every
 * point inside the window can still be built, and the newest state is never touched). A pure
 * function of the history's shape, tested alone. Applying it deletes the oldest segment first, so a
 * crash part way leaves a shorter but contiguous history, and the next prune finishes the job.
 *
 * @param base the snapshot every kept point builds from
 * @param segments the segments to delete, oldest first
 * @param snapshots the snapshots to delete
 */
record PrunePlan(long base, List<String> segments, List<Long> snapshots) {

  /** The plan for a cutoff, or empty when no snapshot is old enough to build the window from. */
  static Optional<PrunePlan> of(
      long cutoffMicros, NavigableSet<Long> snapshotSeqs, BookmarkIndex index) {
    Long base = null;
    for (Long s : snapshotSeqs.descendingSet()) {
      LogEntry e = index.find(s);
      if (e != null && e.timeMicros() <= cutoffMicros) {
        base = s;
        break;
      }
    }
    if (base == null) {
      return Optional.empty();
    }
    String baseSegment = index.find(base).segment();
    List<String> segments = new ArrayList<>();
    for (LogEntry e : index.entries()) {
      if (e.seq() >= base) {
        break;
      }
      if (!e.segment().equals(baseSegment) && !segments.contains(e.segment())) {
        segments.add(e.segment());
      }
    }
    return Optional.of(
        new PrunePlan(base, segments, List.copyOf(snapshotSeqs.headSet(base, false))));
  }
}
