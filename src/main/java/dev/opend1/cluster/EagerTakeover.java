package dev.opend1.cluster;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the databases no node serves over in the background ({@code --cluster-takeover eager}),
 * rather than on their first request: once a second this node asks PostgreSQL which it may take
 * ({@link Unserved#forTakeover}: a dead or stopped node's, and its own whose leases lapsed) and
 * takes them a few at a time through {@link OwnedDatabases#serve}, the lazy path itself, so every
 * rule of a take holds (epochs, the claim in the bucket before the rebuild, an overtaken copy
 * refused). Each database taken is then opened once ({@link #open}), so its file is built from the
 * history it was rebuilt to here, not on its first request.
 *
 * <p>How the work spreads: the lease is the claim. A node takes a database's lease only when it is
 * about to rebuild it, so of two nodes sweeping at once (each in an order of its own) only one
 * takes each database, and each takes as many as it rebuilds: a faster node takes more, and no node
 * holds leases on databases it has not rebuilt yet. A request for a database while it is rebuilt
 * here waits for that rebuild (the database's lock in {@link OwnedDatabases}), or is forwarded here
 * by another node; one for a database not taken yet is taken by the node it reaches, as when lazy.
 *
 * <p>After PostgreSQL was unreachable every lease may have lapsed and no heartbeat is recent, so a
 * node takes only its own databases back until it has swept without a failure for {@link #SETTLED}:
 * by then every live node has heartbeated again and keeps its own.
 */
public final class EagerTakeover implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EagerTakeover.class);

  /** How often this node looks for databases to take. */
  static final Duration SWEEP_EVERY = Membership.HEARTBEAT_EVERY;

  /** How long a lease must have lapsed, and PostgreSQL answered this node, before others' count. */
  static final Duration SETTLED = Membership.HEARTBEAT_EVERY.multipliedBy(2);

  /** How long a stop waits for a take it interrupted (a rebuild's download) to end. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** Databases read per query: a few per taker, so the order stays fresh as other nodes take. */
  private static final int BATCH = 32;

  private final OwnedDatabases owned;
  private final Unserved unserved;
  private final NodeId self;

  /**
   * Opens a database taken here once, under its lease, so its file is built from its history now:
   * the engine's handle then closes by its idle rules, as after any request. A failure is logged;
   * the database stays held, and its first request builds the file instead.
   */
  private final Consumer<DatabaseId> open;

  /** Runs the sweeps, one at a time; owned, shut down at close. */
  private final ScheduledExecutorService sweeper;

  /** Runs the takes (and their rebuilds), as many at a time as it has threads; owned. */
  private final ExecutorService takers;

  /**
   * When PostgreSQL last started answering the sweeps (nanoTime); 0 after a failure. Read and set
   * by the sweeps only, which run one at a time on the sweeper's thread.
   */
  private long answeringSince;

  /**
   * A takeover that sweeps once {@link #start}ed.
   *
   * @param open opens a database taken here once, so its file is built (the engine's work)
   * @param sweeper runs the sweeps, owned from now on
   * @param takers runs the takes, owned from now on; its threads bound the rebuilds at once
   */
  public EagerTakeover(
      OwnedDatabases owned,
      Unserved unserved,
      NodeId self,
      Consumer<DatabaseId> open,
      ScheduledExecutorService sweeper,
      ExecutorService takers) {
    this.open = open;
    this.owned = owned;
    this.unserved = unserved;
    this.self = self;
    this.sweeper = sweeper;
    this.takers = takers;
  }

  /**
   * Starts sweeping: once the node's parts are open, since a take rebuilds a database's files in
   * its data directory.
   */
  public void start() {
    long every = SWEEP_EVERY.toMillis();
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  /** Takes batch after batch until a batch takes nothing (none left, or all taken elsewhere). */
  private void sweep() {
    while (!Thread.currentThread().isInterrupted()) {
      List<DatabaseId> batch;
      try {
        long now = System.nanoTime();
        if (answeringSince == 0) {
          answeringSince = now;
        }
        boolean othersToo = now - answeringSince >= SETTLED.toNanos();
        batch = unserved.forTakeover(self, othersToo, SETTLED, Membership.LIVENESS, BATCH);
      } catch (RuntimeException e) {
        answeringSince = 0;
        LOG.warn("looking for databases to take over: {}", e.getMessage());
        return;
      }
      if (batch.isEmpty() || takeAll(batch) == 0) {
        return;
      }
    }
  }

  /** Takes each database of the batch on the takers; how many this node took. */
  private int takeAll(List<DatabaseId> batch) {
    List<Future<Boolean>> takes = new ArrayList<>();
    try {
      for (DatabaseId id : batch) {
        takes.add(takers.submit(() -> take(id)));
      }
    } catch (RejectedExecutionException closing) {
      return 0;
    }
    int taken = 0;
    for (Future<Boolean> f : takes) {
      try {
        taken += f.get() ? 1 : 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      } catch (ExecutionException e) {
        LOG.warn("taking a database over: {}", e.getCause().getMessage());
      }
    }
    return taken;
  }

  /** Takes one database, unless another node (or a request here) took it first. */
  private boolean take(DatabaseId id) {
    if (owned.holds(id)) {
      return false;
    }
    try {
      owned.serve(id);
    } catch (D1Exception.NotOwner elsewhere) {
      LOG.debug("not taking database {} over: {}", id, elsewhere.getMessage());
      return false;
    } catch (D1Exception | IllegalStateException e) {
      LOG.warn("taking database {} over in the background: {}", id, e.getMessage());
      return false;
    }
    try {
      open.accept(id);
    } catch (RuntimeException e) {
      LOG.warn("opening database {} after taking it over: {}", id, e.getMessage());
    }
    owned.counters().addEagerTakeover();
    return true;
  }

  /**
   * Stops sweeping and taking, and waits (a bounded time) for a take that was running to end, so
   * none runs once the node closes its engine; again, it does nothing.
   */
  @Override
  public void close() {
    sweeper.shutdownNow();
    takers.shutdownNow();
    try {
      if (!sweeper.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)
          || !takers.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("a takeover still runs {} s after the node began to stop", STOP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
