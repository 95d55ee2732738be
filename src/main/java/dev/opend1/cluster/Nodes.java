package dev.opend1.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The cluster's nodes: each says it is alive, and the others find it here. */
public interface Nodes {

  /**
   * Registers the node, or records that it is still alive (PostgreSQL's time), with its current
   * address and version. A draining node stays draining.
   */
  default Node heartbeat(NodeId node, URI advertiseUrl, String version) {
    return heartbeat(node, advertiseUrl, version, List.of());
  }

  /**
   * As above, with the databases the node follows as a read replica and their lag: stored with the
   * heartbeat, replacing what the node reported before.
   */
  Node heartbeat(NodeId node, URI advertiseUrl, String version, List<ReplicaCopy> copies);

  /** The nodes heard from within {@code timeout}, draining ones included, by id. */
  List<Node> live(Duration timeout);

  /**
   * Every node ever registered, by id, with whether it is alive (heard from within {@code
   * liveness}), how many databases it holds a lease in force on, and what its read replicas
   * reported with its last heartbeat.
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
