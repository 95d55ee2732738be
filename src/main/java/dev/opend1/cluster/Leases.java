package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which node owns each database. PostgreSQL decides every call in one statement on its own clock,
 * so of any nodes asking at once at most one is granted a database, and a grant's epoch is larger
 * than every earlier one's. A call that throws (PostgreSQL unreachable) decided nothing the caller
 * may rely on: an acquire is then not held, a renew not renewed.
 */
public interface Leases {

  /**
   * Takes the database for {@code node} when no lease on it is in force (never held, released, or
   * expired by PostgreSQL's clock), with a new epoch one larger than the last. Empty while any
   * node, this one included, holds it: an owner extends with {@link #renew}.
   */
  Optional<Lease> acquire(DatabaseId database, NodeId node, Duration ttl);

  /**
   * As {@link #acquire}, and says which node held the database last before this grant, read under
   * the same row lock as the grant, so no other grant falls between the two.
   */
  default Optional<Grant> take(DatabaseId database, NodeId node, Duration ttl) {
    return take(database, node, ttl, 1);
  }

  /**
   * As {@link #take(DatabaseId, NodeId, Duration)}, with an epoch of at least {@code minEpoch}: for
   * a database's first lease when a standalone server may have written it to the bucket under a
   * generation far above any epoch ({@link OwnedDatabases}), so that every epoch of it from now on
   * is above that generation.
   */
  Optional<Grant> take(DatabaseId database, NodeId node, Duration ttl, long minEpoch);

  /**
   * Takes over a lease in force that {@code node} itself holds, with the next epoch: for a node
   * restarted within its leases' ttl, whose earlier run held them (one process per node id, since
   * the id is kept in the data directory the process locks). Empty when {@code node} does not hold
   * it. The grant's previous owner is the node that wrote the database last: {@code node} itself,
   * or the node that handed the lease to it ({@link Moves#handOver}).
   */
  Optional<Grant> reclaim(DatabaseId database, NodeId node, Duration ttl);

  /**
   * Extends the lease of {@code node} at {@code epoch} to {@code ttl} from PostgreSQL's now. Empty
   * when that is not the lease in force (expired, taken over, released): the caller must stop
   * writing the database at once.
   */
  Optional<Lease> renew(DatabaseId database, NodeId node, long epoch, Duration ttl);

  /**
   * Renews every lease of {@code node} named in {@code epochs} (database to the epoch held) in one
   * statement, so a node's renewals cost one round trip however many databases it owns. Returns the
   * leases renewed; a database missing from them was lost, as with a refused {@link #renew}.
   */
  List<Lease> renewAll(NodeId node, Map<DatabaseId, Long> epochs, Duration ttl);

  /** Gives the lease up at once (the epoch is kept). False when it was not in force. */
  boolean release(DatabaseId database, NodeId node, long epoch);

  /**
   * The database's lease row whether in force or not, with the node that wrote it last as its owner
   * (the holder, or, for a lease handed over and not taken yet, the node that handed it over) and
   * its epoch; empty if never leased.
   */
  Optional<Lease> last(DatabaseId database);

  /** The lease in force on the database, if any. */
  Optional<Lease> owner(DatabaseId database);
}
