package dev.opend1.history;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a database's chain in the bucket ends: the last record of its last log object. For a
 * cluster lease holder, the chain's end is read without a superseded owner's late uploads: log
 * objects at the end whose generation is below the holder's and whose last record its local history
 * lacks.
 *
 * <p>Why that is safe under leases only: a node that takes a database over stores its claim and
 * then checks its copy against the bucket (rebuilding it when behind), so everything the bucket
 * held when the claim was stored is in its local history; a lower generation's record it lacks was
 * uploaded after that claim, by an owner that lost the lease while paused between its check and its
 * upload, whose upload then finds the claim and fails (or, within the claims' period, is the loss
 * that period bounds: docs/backups.md). Standalone, generations are start times and the same tail
 * means that this server's history is not the bucket's: it is fenced ({@link Replica}), so a stale
 * server restarting never stops the one that writes the database.
 *
 * <p>Log objects at the end under the reader's own generation whose last record its local history
 * lacks are its own uploads given up on: the store took them after the client's time limit, or went
 * down between storing one and answering. The commits they hold were answered 503 and cut back here
 * (a commit is answered only once its record is in the bucket, and no other writer uses the
 * generation), so they are removed from the bucket; left there, they would end the chain with
 * writes that were refused, and fence this writer's next upload under the same name.
 */
final class ChainEnd {

  private ChainEnd() {}

  /**
   * The last record of the chain whose log objects and snapshots are {@code logs} and {@code
   * snapshots} (by seq), or null when it has none. With {@code holder} above 0 (a lease holder's
   * generation), late uploads at the end are removed from both maps first, as above.
   */
  static LogObject.Entry read(
      ObjectStore remote,
      TreeMap<Long, String> logs,
      TreeMap<Long, String> snapshots,
      long holder,
      LocalSegments local)
      throws IOException {
    return read(remote, logs, snapshots, holder, 0, local);
  }

  /**
   * As {@link #read(ObjectStore, TreeMap, TreeMap, long, LocalSegments)}, for the writer whose
   * generation is {@code own}: its own uploads given up on at the end are deleted from the bucket
   * and from both maps, as above.
   */
  static LogObject.Entry read(
      ObjectStore remote,
      TreeMap<Long, String> logs,
      TreeMap<Long, String> snapshots,
      long holder,
      long own,
      LocalSegments local)
      throws IOException {
    while (!logs.isEmpty()) {
      Map.Entry<Long, String> last = logs.lastEntry();
      byte[] bytes =
          remote
              .get(last.getValue())
              .orElseThrow(() -> new IOException(last.getValue() + " vanished while read"));
      List<LogObject.Entry> entries = LogObject.decode(last.getValue(), bytes, last.getKey(), null);
      LogObject.Entry tail = entries.get(entries.size() - 1);
      long generation = BucketNames.logName(last.getValue()).generation();
      boolean ours = generation == own;
      if ((generation >= holder && !ours) || Arrays.equals(local.hashAt(tail.seq()), tail.hash())) {
        return tail;
      }
      logs.remove(last.getKey());
      List<String> after = new java.util.ArrayList<>();
      snapshots
          .entrySet()
          .removeIf(
              s ->
                  s.getKey() >= last.getKey()
                      && BucketNames.snapshotName(s.getValue()).generation() == generation
                      && after.add(s.getValue()));
      if (ours) {
        remote.delete(last.getValue());
        for (String snapshot : after) {
          remote.delete(snapshot);
        }
      }
    }
    return null;
  }
}
