package dev.opend1.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's place in the cluster: registered in {@code nodes} when it joins, then a heartbeat
 * every {@link #HEARTBEAT_EVERY}, so the other nodes count it alive while its last heartbeat is
 * within {@link #LIVENESS}. A heartbeat that fails is logged and the next one tries again; the node
 * drops out of the live ones only when PostgreSQL has not heard from it for the whole timeout, or
 * when it stops: {@link #close} marks it left, so the others need not wait out the timeout to know
 * it is gone.
 */
public final class Membership implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  /** How often the node says it is alive. */
  public static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);

  /** How long after its last heartbeat a node still counts as alive: several missed beats. */
  public static final Duration LIVENESS = Duration.ofSeconds(10);

  private final Nodes nodes;
  private final NodeId self;
  private final URI advertiseUrl;
  private final String version;

  /** Runs the heartbeats; owned, shut down at close. */
  private final ScheduledExecutorService beats;

  /** The node's read replicas, reported with each heartbeat; none until the wiring is built. */
  private volatile Supplier<List<ReplicaCopy>> replicas = List::of;

  private Membership(
      Nodes nodes, NodeId self, URI advertiseUrl, String version, ScheduledExecutorService beats) {
    this.nodes = nodes;
    this.self = self;
    this.advertiseUrl = advertiseUrl;
    this.version = version;
    this.beats = beats;
  }

  /**
   * Registers the node (a failure here fails the start: a node that cannot reach PostgreSQL must
   * not serve as a member) and starts its heartbeats on {@code beats}, which it then owns.
   */
  public static Membership join(
      Nodes nodes, NodeId self, URI advertiseUrl, String version, ScheduledExecutorService beats) {
    Membership m = new Membership(nodes, self, advertiseUrl, version, beats);
    try {
      nodes.join(self, advertiseUrl, version);
    } catch (RuntimeException e) {
      beats.shutdownNow();
      throw e;
    }
    long every = HEARTBEAT_EVERY.toMillis();
    beats.scheduleWithFixedDelay(m::beat, every, every, TimeUnit.MILLISECONDS);
    LOG.info("node {} joined the cluster as {}", self, advertiseUrl);
    return m;
  }

  /** From now on each heartbeat carries the node's read replicas, as {@code copies} lists them. */
  public void reportReplicas(Supplier<List<ReplicaCopy>> copies) {
    replicas = copies;
  }

  private void beat() {
    try {
      nodes.heartbeat(self, advertiseUrl, version, replicas.get());
    } catch (RuntimeException e) {
      LOG.warn("heartbeat of node {}: {}", self, e.getMessage());
    }
  }

  public NodeId self() {
    return self;
  }

  /**
   * Stops the heartbeats only: the node counts as alive until {@link #LIVENESS} has passed, as one
   * cut off from the others would (its leases, renewed elsewhere, stay in force).
   */
  public void stopHeartbeats() {
    beats.shutdownNow();
  }

  /**
   * Stops the heartbeats and marks the node left (call once it gave its leases back): from now on
   * no node counts it alive, and the eager ones take its databases at once. A failure to mark it is
   * logged; the node then counts as alive until {@link #LIVENESS} has passed.
   */
  @Override
  public void close() {
    beats.shutdownNow();
    try {
      nodes.leave(self);
      LOG.info("node {} left the cluster", self);
    } catch (RuntimeException e) {
      LOG.warn("marking node {} left: {}", self, e.getMessage());
    }
  }
}
