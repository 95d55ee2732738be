package dev.opend1.cluster;

/**
 * A node as {@code opend1 cluster status} shows it.
 *
 * @param alive whether PostgreSQL heard from it within the liveness timeout (its own clock decides)
 * @param databases the leases in force it holds
 * @param replicas what its read replicas reported with its last heartbeat
 */
public record NodeStatus(Node node, boolean alive, int databases, ReplicaLag replicas) {}
