package dev.opend1.cluster;

/**
 * What a node reports of its read replicas with each heartbeat, for {@code opend1 cluster status}.
 *
 * @param followed how many databases it follows
 * @param seconds the largest time any of its copies has been behind what the bucket holds
 * @param records the largest number of records any copy is behind (at least)
 */
public record ReplicaLag(int followed, double seconds, long records) {

  /** A node that follows nothing. */
  public static final ReplicaLag NONE = new ReplicaLag(0, 0, 0);
}
