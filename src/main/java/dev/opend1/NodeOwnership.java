package dev.opend1;

import dev.opend1.catalog.Catalog;
import dev.opend1.cluster.BucketCopies;
import dev.opend1.cluster.EagerTakeover;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.NodeId;
import dev.opend1.cluster.OwnedDatabases;
import dev.opend1.cluster.PostgresLeases;
import dev.opend1.cluster.PostgresMoves;
import dev.opend1.cluster.PostgresNodes;
import dev.opend1.cluster.PostgresUnserved;
import dev.opend1.config.ClusterSettings;
import dev.opend1.config.ObjectStoreSettings;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.Engine;
import dev.opend1.history.WriteGate;
import dev.opend1.history.WriterGeneration;
import dev.opend1.objectstore.Backups;
import dev.opend1.objectstore.S3ObjectStore;
import dev.opend1.service.ClusterMeters;
import dev.opend1.service.Ownership;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;

/**
 * A cluster node's leases ({@link OwnedDatabases}) in the three places that ask about them: the
 * service, before it creates or serves a database; the history, before it captures a commit; the
 * bucket, for the generation a database's objects are written under.
 */
final class NodeOwnership implements Ownership, AutoCloseable {

  private final OwnedDatabases owned;

  /** Takes the databases no node serves over in the background; empty when lazy. */
  private final Optional<EagerTakeover> eager;

  /** The bucket's client for takeovers (the replication has its own). */
  private final S3ObjectStore store;

  /** Downloads a takeover's log objects ahead. */
  private final ExecutorService downloads;

  /** The engine, once made. */
  private final LateEngine engine;

  private NodeOwnership(
      OwnedDatabases owned,
      Optional<EagerTakeover> eager,
      S3ObjectStore store,
      ExecutorService downloads,
      LateEngine engine) {
    this.engine = engine;
    this.owned = owned;
    this.eager = eager;
    this.store = store;
    this.downloads = downloads;
  }

  /**
   * The leases of this node (registered in {@code nodes} already: a lease names its owner there),
   * on the catalog's PostgreSQL, taking databases over from the configured bucket.
   */
  static NodeOwnership open(
      ClusterSettings cluster, ObjectStoreSettings bucket, DataSource shared, DataLayout layout) {
    S3ObjectStore store = S3ObjectStore.open(Backups.target(bucket));
    ExecutorService downloads = DaemonPools.fixed("opend1-takeover", 4);
    LateEngine engine = new LateEngine();
    NodeId self = CatalogOpener.nodeId(layout);
    PostgresNodes nodes = new PostgresNodes(shared);
    OwnedDatabases owned =
        new OwnedDatabases(
            new PostgresLeases(shared),
            new PostgresMoves(shared),
            self,
            cluster.leaseTtl(),
            new BucketCopies(store, layout, downloads, engine::reopen),
            DaemonPools.scheduled("opend1-leases"),
            DaemonPools.fixed("opend1-moves", 2),
            () -> nodes.draining(self),
            () -> nodes.status(Membership.LIVENESS));
    // Two rebuilds at a time: a rebuild downloads and writes, and a node has other work to serve.
    Optional<EagerTakeover> eager =
        cluster.eagerTakeover()
            ? Optional.of(
                new EagerTakeover(
                    owned,
                    new PostgresUnserved(shared),
                    self,
                    engine::open,
                    DaemonPools.scheduled("opend1-eager-sweep"),
                    DaemonPools.fixed("opend1-eager-takeover", 2)))
            : Optional.empty();
    return new NodeOwnership(owned, eager, store, downloads, engine);
  }

  /** Starts eager takeover, when configured: call once the node's parts are open. */
  void startTakeover() {
    eager.ifPresent(EagerTakeover::start);
  }

  /**
   * The engine, once {@link Wiring} made it: the leases are opened before it (the history it
   * reports to takes their generations), and a take replaces a copy through it.
   */
  private static final class LateEngine {
    /** Set once, by {@link NodeOwnership#attach}. */
    private volatile Engine engine;

    void reopen(DatabaseId id, Optional<Path> replacement) throws IOException {
      Engine e = engine;
      if (e == null) {
        throw new IOException("the engine is not running yet");
      }
      e.reopen(id, replacement);
    }

    /**
     * Opens a database taken over, so its file is built from its history now: a read of its size
     * and tables enters it as a request would, and its handle closes by the engine's idle rules.
     */
    void open(DatabaseId id) {
      Engine e = engine;
      if (e == null) {
        throw new IllegalStateException("the engine is not running yet");
      }
      e.stats(id);
    }
  }

  /** The engine a take closes and reopens a database's copy through. */
  void attach(Engine engine) {
    this.engine.engine = engine;
  }

  /** Each database's lease epoch + 1: generations a take checks the bucket under. */
  WriterGeneration generation() {
    return new WriterGeneration() {
      @Override
      public long of(String databaseId) {
        return owned.generation(databaseId);
      }

      @Override
      public boolean leased() {
        return true;
      }

      @Override
      public boolean holds(String databaseId) {
        return owned.mayWrite(DatabaseId.parse(databaseId).orElseThrow());
      }
    };
  }

  /** Commits are captured only under this node's lease, and not once a hand-over began. */
  WriteGate gate() {
    return new WriteGate() {
      @Override
      public boolean mayWrite(DatabaseId id) {
        return owned.admit(id);
      }

      @Override
      public void settled(DatabaseId id) {
        owned.settled(id);
      }
    };
  }

  /**
   * This node's series on {@code /metrics}: nodes alive, databases held and unserved, the leases'
   * counters.
   */
  ClusterMeters meters(Catalog catalog) {
    PostgresNodes nodes = new PostgresNodes(catalog.sharedDatabase().orElseThrow());
    PostgresUnserved unserved = new PostgresUnserved(catalog.sharedDatabase().orElseThrow());
    return new ClusterMeters(
        owned.counters(),
        owned::count,
        () -> nodes.live(Membership.LIVENESS).size(),
        unserved::count);
  }

  @Override
  public void creating(DatabaseId id) {
    owned.created(id);
  }

  @Override
  public void serve(DatabaseId id) {
    owned.serve(id);
  }

  @Override
  public void gone(DatabaseId id) {
    owned.release(id);
  }

  /**
   * Takes no more databases (eager takeover, moves) and waits for a take that was running: the
   * first step of a stop, before the engine and the history close, since a take rebuilds a
   * database's files and reopens it through the engine. The leases held are still renewed.
   */
  void stopTaking() {
    eager.ifPresent(EagerTakeover::close);
    owned.stopMoves();
  }

  /**
   * Stops taking databases over (again), gives every lease back (call once the engine and history
   * are closed, so everything this node wrote is in the bucket), then closes the client.
   */
  @Override
  public void close() {
    eager.ifPresent(EagerTakeover::close);
    owned.close();
    downloads.shutdownNow();
    store.close();
  }
}
