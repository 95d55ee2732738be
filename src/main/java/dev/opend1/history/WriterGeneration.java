package dev.opend1.history;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * The generation a server writes a database's objects under ({@code .g<gen>} in their names, {@link
 * BucketNames}): it tells two writers of one prefix apart, and a higher one supersedes a lower one
 * ({@link LogChain}). It must grow across restarts and across a recovery onto another machine, and
 * differ between two servers started on one prefix.
 *
 * <p>The seam is per database because a cluster's database lease carries its own fencing epoch,
 * which can be supplied here. The standalone server's is {@link #startedAt}: the start time in
 * milliseconds with 20 random bits below it. Why time and not a counter stored in the bucket: a
 * counter needs a conditional write to be taken safely, and this is exactly for stores that may
 * ignore one; a time grows across restarts and machines as long as clocks are not set back by more
 * than the time between two starts, and the random bits keep two servers started in one millisecond
 * apart. A clock set back is caught, not trusted: a replica whose generation is not above every
 * generation that claimed its database ({@code gen/<gen>}) refuses to ship.
 */
@FunctionalInterface
public interface WriterGeneration {

  /** The generation this server writes {@code databaseId}'s objects under; positive. */
  long of(String databaseId);

  /**
   * True when each generation is a cluster lease's (its fencing epoch): a node that takes a
   * database over stores its claim and then checks its copy against the bucket, so a lower
   * generation's log objects that its history lacks are a superseded owner's late uploads, which
   * its replica leaves out ({@code Replica}) instead of being fenced by them. False for a
   * standalone server, whose generation is a start time: there the same objects mean this server's
   * history is not the bucket's.
   */
  default boolean leased() {
    return false;
  }

  /** How many random bits a standalone server's generation has below its start time. */
  int RANDOM_BITS = 20;

  /**
   * Whether this server may write {@code databaseId} now: always for a standalone server; for a
   * cluster node, while it holds the database's lease. A start's catch-up ships only such
   * databases: a node's copy of a database another node holds has nothing to add to the bucket
   * (every write a node acknowledged is there), and is older than the bucket when another node
   * wrote since, which is no fault of the prefix; it is refreshed from the bucket when the node
   * takes the database again.
   */
  default boolean holds(String databaseId) {
    return true;
  }

  /** One generation for every database: {@code clock}'s milliseconds now, then 20 random bits. */
  static WriterGeneration startedAt(Clock clock) {
    long generation =
        (clock.millis() << RANDOM_BITS) | new SecureRandom().nextInt(1 << RANDOM_BITS);
    return databaseId -> generation;
  }

  /**
   * The highest generation {@link #startedAt} gives a server started at or before {@code millis}
   * (milliseconds since the epoch): a cluster's first lease on a database a standalone server may
   * still be writing is placed above it ({@code cluster/OwnedDatabases}).
   */
  static long highestStartedBy(long millis) {
    return (millis << RANDOM_BITS) | ((1L << RANDOM_BITS) - 1);
  }
}
