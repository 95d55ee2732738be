package dev.opend1.history;

import dev.opend1.core.Bookmark;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;

/**
 * What retention removes: the segments and snapshots wholly before {@code base}, the newest
 * snapshot taken at or before the cutoff, which is kept with every record from it on (so every
 * point inside the window can still be built, and the newest state is never touched). A pure
 * function of the history's shape, tested alone. Applying it deletes the oldest segment first, so a
 * crash part way leaves a shorter but contiguous history; the next open finishes the job ({@link
 * #done}).
 *
 * @param base the snapshot every kept point builds from
 * @param segments the segments to delete, oldest first
 * @param snapshots the snapshots to delete
 */
record PrunePlan(long base, List<String> segments, List<Long> snapshots) {

  /**
   * The plan for a cutoff, or empty when no snapshot is old enough to build the window from. Commit
   * times never go backwards, so the snapshots at or before the cutoff are those at or before the
   * last record at or before it; and records are contiguous, so the segments wholly before the
   * base's are the ones to delete.
   */
  static Optional<PrunePlan> of(
      long cutoffMicros, NavigableSet<Long> snapshotSeqs, BookmarkIndex index) {
    Optional<Bookmark> upTo = index.at(cutoffMicros);
    Long base = upTo.isEmpty() ? null : snapshotSeqs.floor(upTo.get().seq());
    if (base == null || base < index.firstSeq()) {
      return Optional.empty();
    }
    return Optional.of(
        new PrunePlan(
            base, index.segmentsBefore(base), List.copyOf(snapshotSeqs.headSet(base, false))));
  }

  /**
   * What a history on disk says retention already did, read at its open: the base is its oldest
   * snapshot from which every later record is still there. The records before it (a segment keeps
   * those before the base it holds; a prune cut short by a crash keeps more) build no state any
   * more, so they are forgotten again, and whatever of them a crash left on disk goes (older
   * snapshots, segments wholly before the base). Empty for a history without records or snapshots.
   */
  static Optional<PrunePlan> done(NavigableSet<Long> snapshotSeqs, BookmarkIndex index) {
    Long base = index.isEmpty() ? null : snapshotSeqs.ceiling(index.firstSeq() - 1);
    if (base == null) {
      return Optional.empty();
    }
    return Optional.of(
        new PrunePlan(
            base, index.segmentsBefore(base), List.copyOf(snapshotSeqs.headSet(base, false))));
  }
}
