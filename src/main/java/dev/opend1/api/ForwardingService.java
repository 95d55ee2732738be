package dev.opend1.api;

import dev.opend1.core.DatabaseId;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where a cluster member sends what it does not serve itself: a database's requests to the node
 * that owns it, a new database to the node it is placed on. Only members of a cluster have one; a
 * standalone server serves everything itself and the edge does no forwarding work at all.
 */
public interface ForwardingService {

  /**
   * Another node, as the edge reaches it.
   *
   * @param node its id, for messages and logs
   * @param url its advertise URL ({@code http(s)://HOST:PORT}, no path)
   */
  record Peer(String node, URI url) {}

  /**
   * The node that serves the database's requests, when that is not this one; empty to serve here.
   *
   * @throws dev.opend1.core.D1Exception.OwnerUnavailable when the owner cannot serve now
   */
  Optional<Peer> owner(DatabaseId db);

  /** The node a new database is made on, when that is not this one; empty to make it here. */
  Optional<Peer> placement();

  /**
   * A request for the database sent to {@code peer} failed or was refused: look again next time.
   */
  void failed(DatabaseId db);

  /** The other live nodes of the cluster. */
  List<Peer> peers();
}
