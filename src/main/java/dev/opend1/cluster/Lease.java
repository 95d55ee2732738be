package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.time.Instant;

/**
 * One node's tenure over a database, as PostgreSQL granted it.
 *
 * @param epoch the fencing epoch: larger than every earlier tenure's, so whatever the owner writes
 *     with it can be told from a stale owner's writes
 * @param expiresAt PostgreSQL's time at which the lease lapses unless renewed; a node never
 *     compares it with its own clock (it keeps a {@link LeaseClock} instead)
 */
public record Lease(DatabaseId database, NodeId owner, long epoch, Instant expiresAt) {}
