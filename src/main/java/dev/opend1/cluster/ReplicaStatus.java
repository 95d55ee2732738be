package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.util.Optional;

/**
 * One read replica's copy as {@code opend1 cluster replicas} shows it: the database, its name and
 * owner now, the node that follows it and how far that node's copy was behind the bucket at its
 * last heartbeat.
 *
 * @param name the database's name; empty when the catalog no longer has it (deleted)
 * @param owner the node holding the database's lease in force; empty when none does
 */
public record ReplicaStatus(
    DatabaseId database,
    Optional<String> name,
    Optional<NodeId> owner,
    NodeId follower,
    double seconds,
    long records) {}
