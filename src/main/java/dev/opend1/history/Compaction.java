package dev.opend1.history;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges small log objects into larger ones, as Litestream's levels do: every upload round leaves
 * one object, so a busy database leaves thousands. One pass takes the oldest run of small objects
 * (never the bucket's last one, which a restart reads to find where the bucket ends), up to {@link
 * #RUN} of them and {@link Replica#MAX_OBJECT_BYTES}, all of one writer generation, and writes
 * their records as one object named by its first and last seq and that generation ({@code
 * If-None-Match: *}); the small ones are deleted only once it is stored. Readers ({@link
 * BucketNames#addLog}) skip small objects a compacted one covers, so a crash between the two steps
 * leaves a history that reads the same.
 *
 * <p>Runs on the replication's housekeeping thread, which also prunes, so the two never meet;
 * shipping (on its own thread) only adds objects after the last one, which a pass never takes. The
 * downloads run outside the replica's monitor, so a {@code sync} write never waits for a pass.
 */
final class Compaction {

  /** A pass merges at most this many objects, and starts only once this many small ones wait. */
  static final int RUN = 64;

  private Compaction() {}

  /** One bounded pass over {@code replica}'s bucket objects; returns how many were merged. */
  static int pass(Replica replica, ObjectStore store) throws IOException {
    List<Map.Entry<Long, String>> run = smallRun(replica.remoteLogs());
    if (run.size() < RUN) {
      return 0;
    }
    ByteArrayOutputStream merged = new ByteArrayOutputStream();
    int taken = 0;
    for (Map.Entry<Long, String> e : run) {
      byte[] bytes =
          store.get(e.getValue()).orElseThrow(() -> new IOException(e.getValue() + " vanished"));
      if (taken > 1 && merged.size() + bytes.length > Replica.MAX_OBJECT_BYTES) {
        break;
      }
      merged.write(bytes);
      taken++;
    }
    long first = run.get(0).getKey();
    byte[] all = merged.toByteArray();
    // Checksums and seqs in order, from the first to the last record merged.
    List<LogObject.Entry> entries = LogObject.decode("compaction", all, first, null);
    long last = entries.get(entries.size() - 1).seq();
    long generation = BucketNames.logName(run.get(0).getValue()).generation();
    String name = BucketNames.compacted(replica.databaseId(), first, last, generation);
    if (!store.putIfAbsent(name, all)) {
      throw new IOException(name + " exists with other records: another server writes here");
    }
    replica.compacted(first, name);
    for (Map.Entry<Long, String> e : run.subList(0, taken)) {
      store.delete(e.getValue());
    }
    return taken;
  }

  /**
   * The oldest run of {@link #RUN} small log objects of one writer generation (or a shorter one
   * when there is none yet), never the bucket's last object. One generation, so that the merged
   * object's generation is that of every record in it ({@link LogChain} decides by it which
   * snapshots belong to the chain).
   */
  static List<Map.Entry<Long, String>> smallRun(TreeMap<Long, String> logs) {
    List<Map.Entry<Long, String>> run = new ArrayList<>();
    if (logs.size() < 2) {
      return run;
    }
    for (Map.Entry<Long, String> e : logs.headMap(logs.lastKey()).entrySet()) {
      BucketNames.LogName name = BucketNames.logName(e.getValue());
      boolean sameGeneration =
          run.isEmpty()
              || BucketNames.logName(run.get(0).getValue()).generation() == name.generation();
      if (name.compacted() || !sameGeneration) {
        // A run too short to merge, cut by a merged object or a new generation: left as it is.
        run.clear();
      }
      if (!name.compacted()) {
        run.add(e);
      }
      if (run.size() == RUN) {
        break;
      }
    }
    return run;
  }
}
