package dev.opend1.cluster;

import java.util.List;

/**
 * What a node's read replicas come to, for {@code opend1 cluster status}: stored with each
 * heartbeat beside the copies themselves ({@link ReplicaCopy}).
 *
 * @param followed how many databases it follows
 * @param seconds the largest time any of its copies has been behind what the bucket holds
 * @param records the largest number of records any copy is behind (at least)
 */
public record ReplicaLag(int followed, double seconds, long records) {

  /** A node that follows nothing. */
  public static final ReplicaLag NONE = new ReplicaLag(0, 0, 0);

  /** The node's figures from its copies: how many, and the largest lag of each kind. */
  public static ReplicaLag of(List<ReplicaCopy> copies) {
    double seconds = 0;
    long records = 0;
    for (ReplicaCopy c : copies) {
      seconds = Math.max(seconds, c.seconds());
      records = Math.max(records, c.records());
    }
    return new ReplicaLag(copies.size(), seconds, records);
  }
}
