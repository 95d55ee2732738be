package dev.opend1.cluster;

import java.util.Optional;

/**
 * A lease granted by {@link Leases#take}, with the node that held the database last before it
 * (empty when no node ever had): a node that was that last holder knows nobody wrote the database
 * since, so its own copy is current; any other node must rebuild it from the bucket.
 */
public record Grant(Lease lease, Optional<NodeId> previousOwner) {}
