package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;

/**
 * One database a node follows as a read replica, as the node reports it with each heartbeat: how
 * far its copy is behind what the bucket holds.
 *
 * @param seconds how long the copy has been behind; 0 when it is not
 * @param records how many records the bucket holds past the copy's last one (at least)
 */
public record ReplicaCopy(DatabaseId database, double seconds, long records) {}
