package dev.opend1.cluster;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases this node serves: those whose lease it holds. A database is taken when this node
 * creates it or is first asked for it while no lease on it is in force; all held leases are renewed
 * together, one statement every third of the ttl; a database whose renew was refused, or whose
 * local deadline ({@link LeaseClock}) passed, is served no more until this node holds it again.
 *
 * <p>Taking a database checks that this node's copy is current: PostgreSQL says which node held it
 * last ({@link Leases#take}); when that was this node (or nobody), its files here are the newest
 * state, since durability in a cluster is {@code sync} and every answered write of any owner is in
 * the bucket, and no other node wrote since. When the files are not here, they are rebuilt from the
 * bucket ({@link LocalCopies#rebuild}) before the first request is served. A copy here of a
 * database another node held since is compared with the bucket under the new lease ({@link
 * LocalCopies#refresh}): kept when current, rebuilt in its place when another node's writes
 * overtook it. Only a take made while a history opens ({@link #generation}, at start before the
 * engine runs) refuses such a copy instead, without taking the lease; its first request takes it.
 *
 * <p>The writer generation of a held database's objects in the bucket is its lease's epoch plus
 * one, so a later owner's objects supersede a stale owner's ({@code history/LogChain}); generation
 * {@link #NOT_HELD} is below every owner's, so a replica made for a database this node does not
 * hold is fenced by the owner's claim before it ships anything; a first lease is above any
 * standalone server's generation ({@link FirstLease}).
 */
// A database's lock is held by a try-with-resources whose body never names it.
@SuppressWarnings("try")
public final class OwnedDatabases implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OwnedDatabases.class);

  /** The writer generation of a database this node does not hold. */
  public static final long NOT_HELD = 1;

  /** One held lease: its epoch and the local deadline of its writes. */
  private record Held(long epoch, LeaseClock clock) {}

  private final Leases leases;
  private final Moves moves;
  private final NodeId self;
  private final Duration ttl;
  private final Duration margin;
  private final LocalCopies copies;

  /** The leases this node holds, by database; changed under the database's lock, read freely. */
  private final Map<DatabaseId, Held> held = new ConcurrentHashMap<>();

  /**
   * Leases taken whose database is being rebuilt from the bucket, not served yet: renewed with the
   * held ones, so a rebuild longer than the ttl keeps its lease. Changed under the database's lock.
   */
  private final Map<DatabaseId, Held> rebuilding = new ConcurrentHashMap<>();

  /** One lock per database: a take (and its rebuild) runs once, whatever requests wait for it. */
  private final DatabaseLocks locks = new DatabaseLocks();

  /** Runs the renewals; owned, shut down at close. */
  private final ScheduledExecutorService renewer;

  /** Makes the moves asked of this node, and hands its databases over when drained; owned. */
  private final MovesFollower follower;

  /** What the leases went through, for {@code /metrics}. */
  private final ClusterCounters counters = new ClusterCounters();

  /** Each database's commits on their way to the bucket; kept across tenures. */
  private final Map<DatabaseId, OpenWrites> writes = new ConcurrentHashMap<>();

  /** Databases being handed over, to the node they go to: served no more from the start of it. */
  private final Map<DatabaseId, NodeId> leaving = new ConcurrentHashMap<>();

  /** Whether an operator asked this node to drain ({@code opend1 cluster drain}). */
  private final BooleanSupplier drainAsked;

  /** Set once the drain is seen: nothing taken or served; leases given back one renewal later. */
  private volatile boolean draining;

  /**
   * @param ttl each lease's time to live; the safety margin is a tenth of it
   * @param renewer runs the renewals, owned from now on
   * @param moving runs hand-overs and takes of handed databases, owned from now on
   * @param drainAsked asked before each renewal: true once the node is to give its databases up
   * @param nodes every node with its liveness and load, for where a drained node's databases go
   */
  public OwnedDatabases(
      Leases leases,
      Moves moves,
      NodeId self,
      Duration ttl,
      LocalCopies copies,
      ScheduledExecutorService renewer,
      ExecutorService moving,
      BooleanSupplier drainAsked,
      Supplier<List<NodeStatus>> nodes) {
    this.drainAsked = drainAsked;
    this.leases = leases;
    this.moves = moves;
    this.follower = new MovesFollower(this, moves, self, new OneMoveEach(moving), nodes);
    this.self = self;
    this.ttl = ttl;
    this.margin = ttl.dividedBy(10);
    this.copies = copies;
    this.renewer = renewer;
    long every = Math.max(1, ttl.toMillis() / 3);
    renewer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
  }

  /** A database this node is creating: its lease, taken before its files are made. */
  public void created(DatabaseId id) {
    try (DatabaseLocks.Hold l = locks.hold(id)) {
      LeaseClock clock = new LeaseClock(margin);
      long sent = clock.beforeSend();
      Grant g =
          leases
              .take(id, self, ttl)
              .orElseThrow(() -> new IllegalStateException("a new database " + id + " is leased"));
      clock.granted(sent, ttl);
      held.put(id, new Held(g.lease().epoch(), clock));
    }
  }

  /**
   * Makes sure this node may serve the database now, taking its lease (and rebuilding its files
   * from the bucket) when no node holds it.
   *
   * @throws D1Exception.NotOwner when another node holds it
   */
  public void serve(DatabaseId id) {
    serve(id, true, ttl);
  }

  /**
   * As {@link #serve(DatabaseId)}; without {@code mayRefresh}, an overtaken copy is refused. A take
   * or hand-over running on the database is waited for at most {@code patience} (null: unbounded).
   */
  private void serve(DatabaseId id, boolean mayRefresh, Duration patience) {
    if (draining) {
      throw new D1Exception.NotOwner(id.toString(), "this node is draining");
    }
    NodeId to = leaving.get(id);
    if (to != null) {
      throw new D1Exception.NotOwner(id.toString(), "it is moving to node " + to.value());
    }
    Held h = held.get(id);
    if (h != null && h.clock().mayWrite()) {
      return;
    }
    try (DatabaseLocks.Hold l = patience == null ? locks.hold(id) : locks.hold(id, patience)) {
      h = held.get(id);
      if (h != null && (h.clock().mayWrite() || renewNow(id, h))) {
        return;
      }
      take(id, mayRefresh);
    }
  }

  /** True while this node holds the database and its local deadline has not passed. */
  public boolean mayWrite(DatabaseId id) {
    Held h = held.get(id);
    return h != null && h.clock().mayWrite();
  }

  /**
   * The write gate: lets one commit to the database be captured while this node may write it and is
   * not handing it over; a true is followed by one {@link #settled} once the commit is durable.
   */
  public boolean admit(DatabaseId id) {
    return mayWrite(id) && writesOf(id).enter();
  }

  /** A commit {@link #admit} let through is durable now, or failed. */
  public void settled(DatabaseId id) {
    writesOf(id).settled();
  }

  /**
   * The writer generation of the database's objects: its lease's epoch plus one. A database not
   * held yet is taken now (a node restarted takes its own databases back as their histories open);
   * {@link #NOT_HELD} when another node holds it.
   */
  public long generation(String databaseId) {
    DatabaseId id = DatabaseId.parse(databaseId).orElseThrow();
    Held h = held.get(id);
    if (h == null) {
      try {
        // The history opens (at start, the engine not running yet): a copy another node may have
        // overtaken is left for its first request to refresh.
        serve(id, false, null);
      } catch (D1Exception.NotOwner e) {
        return NOT_HELD;
      }
      h = held.get(id);
    }
    return h == null ? NOT_HELD : h.epoch() + 1;
  }

  /** Gives the lease on a database back at once (deleted, or its create failed). */
  public void release(DatabaseId id) {
    try (DatabaseLocks.Hold l = locks.hold(id)) {
      Held h = held.remove(id);
      if (h != null) {
        h.clock().lost();
        leases.release(id, self, h.epoch());
      }
    }
  }

  /** What this node's leases went through since it started. */
  public ClusterCounters counters() {
    return counters;
  }

  /** The databases this node holds now. */
  List<DatabaseId> heldNow() {
    return List.copyOf(held.keySet());
  }

  /** True while this node holds the database (its deadline may have passed). */
  boolean holds(DatabaseId id) {
    return held.containsKey(id);
  }

  /** How many databases this node holds now. */
  public int count() {
    return held.size();
  }

  private OpenWrites writesOf(DatabaseId id) {
    return writes.computeIfAbsent(id, k -> new OpenWrites());
  }

  /** A renew of one lease whose deadline passed; false (and the lease dropped) when refused. */
  private boolean renewNow(DatabaseId id, Held h) {
    long sent = h.clock().beforeSend();
    if (leases.renew(id, self, h.epoch(), ttl).isPresent()) {
      h.clock().granted(sent, ttl);
      counters.addRenewed(1);
      return true;
    }
    lost(id, h);
    return false;
  }

  /** Refuses a take whose lease lapsed while its files were rebuilt or refreshed. */
  private static void stillHeld(DatabaseId id, LeaseClock clock) {
    if (!clock.mayWrite()) {
      throw new D1Exception.NotOwner(
          id.toString(), "its lease was lost while its files were rebuilt; retry it");
    }
  }

  /** Takes the lease on a database not held here; call under its lock. */
  private void take(DatabaseId id, boolean mayRefresh) {
    if (!mayRefresh && copies.has(id)) {
      refuseOvertakenCopy(id);
    }
    long minEpoch = FirstLease.minEpoch(id, leases, copies);
    LeaseClock clock = new LeaseClock(margin);
    long sent = clock.beforeSend();
    Optional<Grant> taken = leases.take(id, self, ttl, minEpoch);
    // In force: this node's from an earlier run (restarted within the ttl), or handed to it by
    // another node (a move), or another's.
    Grant grant =
        taken.isPresent()
            ? taken.get()
            : leases
                .reclaim(id, self, ttl)
                .orElseThrow(
                    () ->
                        new D1Exception.NotOwner(
                            id.toString(),
                            leases
                                .owner(id)
                                .map(l -> "node " + l.owner().value() + " holds its lease")
                                .orElse("its lease is changing hands")));
    long epoch = grant.lease().epoch();
    boolean current = grant.previousOwner().map(self::equals).orElse(true) && !copies.unchecked(id);
    clock.granted(sent, ttl);
    Held taking = new Held(epoch, clock);
    try {
      if (!copies.has(id)) {
        rebuilding.put(id, taking);
        try {
          copies.rebuild(id, epoch + 1);
        } finally {
          rebuilding.remove(id);
        }
        counters.addTakeover();
        stillHeld(id, clock);
      } else if (!current && mayRefresh) {
        // A refresh may rebuild too: its lease is renewed meanwhile, as a rebuild's is.
        rebuilding.put(id, taking);
        boolean refreshed;
        try {
          refreshed = copies.refresh(id, epoch + 1);
        } finally {
          rebuilding.remove(id);
        }
        if (refreshed) {
          counters.addTakeover();
        }
        stillHeld(id, clock);
      } else if (!current) {
        throw new D1Exception.NotOwner(
            id.toString(),
            "node "
                + grant.previousOwner().get().value()
                + " wrote it after this node's copy was made");
      }
    } catch (IOException | RuntimeException e) {
      leases.release(id, self, epoch);
      if (e instanceof D1Exception d) {
        throw d;
      }
      LOG.warn("taking database {} over from the bucket: {}", id, e.getMessage());
      throw new D1Exception.DatabaseUnavailable(
          id.toString(), "its files could not be rebuilt from the bucket: " + e.getMessage());
    }
    writesOf(id).reopen();
    held.put(id, taking);
    LOG.info("serving database {} under lease epoch {}", id, epoch);
  }

  /**
   * Refuses, before taking anything, a copy here of a database whose last owner was another node,
   * for a take that cannot refresh it (a history opening): that node may have written it since.
   * Taking the lease only to give it back would make this node the last owner, and the node that
   * did write it would then take its current copy for an older one.
   */
  private void refuseOvertakenCopy(DatabaseId id) {
    Optional<Lease> last = leases.last(id);
    if ((last.isEmpty() || last.get().owner().equals(self)) && !copies.unchecked(id)) {
      return;
    }
    if (last.isEmpty() || last.get().owner().equals(self)) {
      throw new D1Exception.NotOwner(
          id.toString(), "this node's copy is to be checked against the bucket first");
    }
    String other = last.get().owner().value();
    throw new D1Exception.NotOwner(
        id.toString(),
        leases.owner(id).isPresent()
            ? "node " + other + " holds its lease"
            : "node " + other + " wrote it after this node's copy was made");
  }

  private void lost(DatabaseId id, Held h) {
    h.clock().lost();
    if (held.remove(id, h)) {
      counters.addLost();
      LOG.warn("lost the lease on database {} (epoch {}): serving it no more", id, h.epoch());
    }
  }

  /**
   * Every third of the ttl: renews the held leases, then makes the moves asked of this node; a node
   * asked to drain serves nothing more and hands every database over instead.
   */
  private void renewAll() {
    if (!draining) {
      try {
        if (drainAsked.getAsBoolean()) {
          LOG.info("node {} is draining: handing over its {} databases", self, held.size());
          draining = true;
        }
      } catch (RuntimeException e) {
        LOG.warn("reading the state of node {}: {}", self, e.getMessage());
      }
    }
    renewHeld();
    if (draining) {
      follower.handOffAll();
    } else {
      follower.follow();
    }
  }

  /** Renews every held lease in one statement; a lease left out of the answer is lost. */
  private void renewHeld() {
    Map<DatabaseId, Held> now = new HashMap<>(held);
    now.putAll(rebuilding);
    if (now.isEmpty()) {
      return;
    }
    Map<DatabaseId, Long> epochs = new HashMap<>();
    now.forEach((id, h) -> epochs.put(id, h.epoch()));
    // Every LeaseClock here runs on System.nanoTime: one send time stands for all of them.
    long sent = System.nanoTime();
    List<Lease> renewed;
    try {
      renewed = leases.renewAll(self, epochs, ttl);
    } catch (RuntimeException e) {
      // No answer: the last deadlines stand, and writes stop when they pass.
      LOG.warn("renewing the leases of node {}: {}", self, e.getMessage());
      return;
    }
    for (Lease l : renewed) {
      Held h = now.remove(l.database());
      if (h != null && h.epoch() == l.epoch()) {
        h.clock().granted(sent, ttl);
      }
    }
    counters.addRenewed(renewed.size());
    now.forEach(this::lost);
  }

  /**
   * Hands a held database over to {@code target}: serves it no more and lets no commit through,
   * waits until every commit let through is durable (in the bucket), then hands the lease over in
   * PostgreSQL. False, and the database served again, when that could not be done: the lease was
   * lost meanwhile, or commits did not settle before its deadline (tried again at the next
   * renewal), or the target is not alive or draining (an operator's request is then dropped).
   */
  boolean handOver(DatabaseId id, NodeId target) {
    Held h;
    try (DatabaseLocks.Hold l = locks.hold(id)) {
      h = held.get(id);
      if (h == null || target.equals(self)) {
        return false;
      }
      leaving.put(id, target);
      writesOf(id).close();
    }
    boolean settled;
    try {
      settled = writesOf(id).awaitSettled(h.clock().remaining());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      settled = false;
    }
    try (DatabaseLocks.Hold l = locks.hold(id)) {
      boolean handed = false;
      try {
        if (settled && held.get(id) == h && h.clock().mayWrite()) {
          handed = moves.handOver(id, self, h.epoch(), target, ttl, Membership.LIVENESS);
          if (!handed) {
            // Held, so refused for the target: not alive, or draining. An operator's request
            // for it is dropped rather than tried again at every renewal.
            LOG.warn(
                "not handing database {} to node {}: it is not alive, or draining", id, target);
            moves.cancel(id, target);
          }
        }
      } finally {
        if (handed) {
          h.clock().lost();
          held.remove(id, h);
          counters.addHandedOver();
          LOG.info("handed database {} over to node {} (epoch {})", id, target, h.epoch() + 1);
        } else {
          writesOf(id).reopen();
        }
        leaving.remove(id);
      }
      return handed;
    }
  }

  /** Makes no more moves while the leases are still renewed: a stop's step before the engine's. */
  public void stopMoves() {
    follower.close();
  }

  /** Stops renewing and gives every held lease back, so other nodes may take them at once. */
  @Override
  public void close() {
    renewer.shutdownNow();
    follower.close();
    giveBackAll();
  }

  /** Gives every held lease back; stops at the first that PostgreSQL does not answer. */
  private void giveBackAll() {
    for (DatabaseId id : List.copyOf(held.keySet())) {
      try {
        release(id);
      } catch (RuntimeException failed) {
        LOG.warn("releasing the lease on {}: {}", id, failed.getMessage());
        return;
      }
    }
  }
}
