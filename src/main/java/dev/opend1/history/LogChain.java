package dev.opend1.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of one database's log objects and snapshots make its history, from their names alone (a
 * pure function): the one chain a reader follows when more than one writer left objects under the
 * prefix (two servers on it, on a store that ignores {@code If-None-Match: *}), and what it leaves
 * out.
 *
 * <p>A writer generation only grows ({@link WriterGeneration}), and a new one stores its claim
 * before it reads where the bucket ends, so the objects of the chain have generations that never go
 * down in seq order. The rule: objects are taken by first seq; where two start at the same seq, the
 * higher generation's is taken; an object whose generation is lower than one already taken (a
 * superseded writer's late upload) is left out and reported as stale, as is a compacted object's
 * covered leftover of another generation. A snapshot of generation {@code g} at seq {@code s} is
 * taken only when {@code g} has objects in the chain and no higher generation's object starts at or
 * before {@code s}: writer {@code g} checked that its history continues the chain where it started,
 * so up to where a higher one took over its state at {@code s} is the chain's; past that, or from a
 * writer with no object in the chain, it may be that writer's own state. Leaving a snapshot out
 * costs only a longer replay from an earlier one. Compaction merges objects of one generation only,
 * so a compacted object's generation is that of every record in it.
 *
 * @param logs the chain's log objects by first seq
 * @param snapshots the snapshots the chain may start from, by seq
 * @param stale the objects left out: another writer's, superseded
 * @param covered small objects of the chain a compacted one covers, left by a crash before they
 *     were deleted: never read, and safe to delete
 */
record LogChain(
    TreeMap<Long, String> logs,
    TreeMap<Long, String> snapshots,
    List<String> stale,
    List<String> covered) {

  /** Follows the chain through {@code names} (full or relative object names of one database). */
  static LogChain follow(Iterable<String> names) {
    List<BucketNames.LogName> logNames = new ArrayList<>();
    List<BucketNames.SnapshotName> snapNames = new ArrayList<>();
    for (String n : names) {
      BucketNames.LogName l = BucketNames.logName(n);
      if (l != null) {
        logNames.add(l);
      }
      BucketNames.SnapshotName s = BucketNames.snapshotName(n);
      if (s != null) {
        snapNames.add(s);
      }
    }
    // By first seq; at one seq the higher generation first, and a compacted object before small.
    logNames.sort(
        Comparator.comparingLong(BucketNames.LogName::first)
            .thenComparing(Comparator.comparingLong(BucketNames.LogName::generation).reversed())
            .thenComparing(l -> !l.compacted()));
    TreeMap<Long, String> logs = new TreeMap<>();
    List<String> stale = new ArrayList<>();
    List<String> covered = new ArrayList<>();
    // Where each generation's first taken object starts: where it supersedes the lower ones.
    TreeMap<Long, Long> firstSeqOf = new TreeMap<>();
    long top = Long.MIN_VALUE;
    for (BucketNames.LogName l : logNames) {
      boolean inMerged = BucketNames.covered(logs, l.first());
      if (l.generation() < top || (inMerged && l.compacted()) || logs.containsKey(l.first())) {
        if (!inMerged || generationOf(logs, l.first()) != l.generation()) {
          stale.add(l.name());
        } else {
          covered.add(l.name());
        }
        continue;
      }
      if (inMerged) {
        covered.add(l.name()); // a small object merged into a compacted one, not deleted yet
        continue;
      }
      BucketNames.addLog(logs, l.first(), l.name());
      firstSeqOf.putIfAbsent(l.generation(), l.first());
      top = l.generation();
    }
    TreeMap<Long, BucketNames.SnapshotName> snapshots = new TreeMap<>();
    for (BucketNames.SnapshotName s : snapNames) {
      Map.Entry<Long, Long> higher = firstSeqOf.higherEntry(s.generation());
      if (!firstSeqOf.containsKey(s.generation())
          || (higher != null && higher.getValue() <= s.seq())) {
        stale.add(s.name());
        continue;
      }
      snapshots.merge(s.seq(), s, (a, b) -> a.generation() >= b.generation() ? a : b);
    }
    TreeMap<Long, String> snapshotNames = new TreeMap<>();
    snapshots.forEach((seq, s) -> snapshotNames.put(seq, s.name()));
    stale.sort(null);
    return new LogChain(logs, snapshotNames, List.copyOf(stale), List.copyOf(covered));
  }

  /** The generation of the taken object that holds {@code seq}. */
  private static long generationOf(TreeMap<Long, String> logs, long seq) {
    Map.Entry<Long, String> e = logs.floorEntry(seq);
    return e == null ? Long.MIN_VALUE : BucketNames.logName(e.getValue()).generation();
  }

  /** The generation of the chain's last object, or 0 when it has none. */
  long lastGeneration() {
    return logs.isEmpty() ? 0 : BucketNames.logName(logs.lastEntry().getValue()).generation();
  }
}
