package dev.opend1.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a node's copy of a database is the bucket's newest state, for a cluster node that takes
 * over a database another node held since this node last did: the one place that decides to keep
 * the copy or rebuild it from the bucket. The decision ({@link #decide}) is pure and compares the
 * last record of each side; {@link #check} reads them. The caller stores its claim on the database
 * before it checks, so nothing the bucket holds by then can be missed.
 */
public final class CopyCheck {

  private CopyCheck() {}

  /** How a copy stands against the bucket. */
  public enum Verdict {
    /** Its last record is the bucket's last: kept. */
    CURRENT,
    /**
     * It holds the bucket's last record and more after it: records made durable here whose upload
     * never completed, so never acknowledged (durability is {@code sync}); kept, and they are
     * shipped as its continuation.
     */
    AHEAD,
    /** The bucket holds records past its end (another node wrote since): rebuilt. */
    BEHIND,
    /** Its record at the bucket's last seq is another one, or it has none: rebuilt. */
    DIVERGED,
    /** The bucket holds no record of the database yet: kept, there is nothing to rebuild from. */
    BUCKET_EMPTY;

    /** True when the copy is kept as it is. */
    public boolean keeps() {
      return this == CURRENT || this == AHEAD || this == BUCKET_EMPTY;
    }
  }

  /** A history's last record: its seq and hash. */
  record End(long seq, byte[] hash) {}

  /**
   * The verdict from the bucket's last record, the copy's last record (null when the copy has no
   * history), and the copy's hash at the bucket's last seq (null when it has none there).
   */
  static Verdict decide(End bucket, End copy, byte[] copyHashAtBucketEnd) {
    if (bucket == null) {
      return Verdict.BUCKET_EMPTY;
    }
    if (copy == null || copy.seq() < bucket.seq()) {
      return copy == null ? Verdict.DIVERGED : Verdict.BEHIND;
    }
    if (!Arrays.equals(copyHashAtBucketEnd, bucket.hash())) {
      return Verdict.DIVERGED;
    }
    return copy.seq() == bucket.seq() ? Verdict.CURRENT : Verdict.AHEAD;
  }

  /**
   * Reads the last record of the database's chain in {@code store} (as every reader follows it,
   * {@link LogChain}) and of the local history in {@code historyDir}, and decides.
   */
  public static Verdict check(ObjectStore store, String databaseId, Path historyDir)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (ObjectStore.Listed o : store.list(BucketNames.database(databaseId))) {
      names.add(o.name());
    }
    LogChain chain = LogChain.follow(names);
    LocalSegments local = new LocalSegments(historyDir);
    LogObject.Entry tail = ChainEnd.read(store, chain.logs(), chain.snapshots(), 0, local);
    End bucket = tail == null ? null : new End(tail.seq(), tail.hash());
    End copy = lastOf(local);
    return decide(bucket, copy, bucket == null ? null : local.hashAt(bucket.seq()));
  }

  /** The last complete record of the local history, or null when it has none. */
  private static End lastOf(LocalSegments local) throws IOException {
    List<String> segments = local.segments();
    for (int i = segments.size() - 1; i >= 0; i--) {
      try (FileChannel ch =
          FileChannel.open(local.dir().resolve(segments.get(i)), StandardOpenOption.READ)) {
        End last = null;
        long pos = 0;
        long size = ch.size();
        for (LocalSegments.Record r; (r = LocalSegments.read(ch, pos, size, false)) != null; ) {
          last = new End(r.entry().seq(), r.hash());
          pos += r.entry().length();
        }
        if (last != null) {
          return last;
        }
      }
    }
    return null;
  }
}
