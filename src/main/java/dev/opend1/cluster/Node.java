package dev.opend1.cluster;

import java.net.URI;
import java.time.Instant;

/**
 * A node as PostgreSQL knows it.
 *
 * @param advertiseUrl how the other nodes reach it
 * @param heartbeatAt PostgreSQL's time of its last heartbeat
 */
public record Node(
    NodeId id, URI advertiseUrl, String version, NodeState state, Instant heartbeatAt) {}
