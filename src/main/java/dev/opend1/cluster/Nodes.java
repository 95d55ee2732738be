package dev.opend1.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The cluster's nodes: each says it is alive, and the others find it here. */
public interface Nodes {

  /**
   * Registers the node as it starts, or registers it again: a node that {@link #leave left} is live
   * again (a draining one stays draining), with its current address and version.
   */
  Node join(NodeId node, URI advertiseUrl, String version);

  /**
   * Records that the node stopped, once it gave its leases back: it is not alive from now on, and
   * the eager nodes take the databases it gave back at once. No heartbeat undoes it; {@link #join}
   * does. False when no such node.
   */
  boolean leave(NodeId node);

  /**
   * Records that the node is still alive (PostgreSQL's time), with its current address and version,
   * registering it when it is not yet. A draining node stays draining, and a left one left.
   */
  default Node heartbeat(NodeId node, URI advertiseUrl, String version) {
    return heartbeat(node, advertiseUrl, version, List.of());
  }

  /**
   * As above, with the databases the node follows as a read replica and their lag: stored with the
   * heartbeat, replacing what the node reported before.
   */
  Node heartbeat(NodeId node, URI advertiseUrl, String version, List<ReplicaCopy> copies);

  /** The nodes heard from within {@code timeout} and not left, draining ones included, by id. */
  List<Node> live(Duration timeout);

  /**
   * Every node ever registered, by id, with whether it is alive (heard from within {@code
   * liveness}, and not left), how many databases it holds a lease in force on, and what its read
   * replicas reported with its last heartbeat.
   */
  List<NodeStatus> status(Duration liveness);

  /**
   * Every copy the nodes heard from within {@code liveness} follow as read replicas, by database
   * and node, with the database's name and owner now and the lag the node last reported.
   */
  List<ReplicaStatus> replicas(Duration liveness);

  /**
   * Marks a node draining: it is placed no new database, and the node hands the databases it holds
   * over to the other nodes ({@link OwnedDatabases}). False when no such node.
   */
  boolean drain(NodeId node);

  /** True when the node is registered and draining. */
  boolean draining(NodeId node);
}
