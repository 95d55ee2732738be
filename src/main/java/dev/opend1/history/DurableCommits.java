package dev.opend1.history;

import dev.opend1.core.DatabaseId;

/**
 * Told of each commit once it is durable: on a cluster member, once its record is in the bucket.
 * The owner's news to the nodes that follow the database (docs/cluster.md, "Read replicas"), so
 * their copies take the record without waiting for their next listing. Called on the history's sync
 * threads, after the commit's answer may have gone: it must not block, and nothing it does can fail
 * the commit.
 */
@FunctionalInterface
public interface DurableCommits {

  /** Every record of {@code id} up to {@code seq} is durable now. */
  void durable(DatabaseId id, long seq);

  /** Nobody listens. */
  DurableCommits NONE = (id, seq) -> {};
}
