package dev.opend1;

import dev.opend1.analytics.Analytics;
import dev.opend1.api.Services;
import dev.opend1.catalog.Catalog;
import dev.opend1.config.ObjectStoreSettings;
import dev.opend1.config.ServerConfig;
import dev.opend1.core.DataLayout;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.Engine;
import dev.opend1.history.Followers;
import dev.opend1.history.History;
import dev.opend1.history.TimeTravel;
import dev.opend1.objectstore.Backups;
import dev.opend1.service.DatabaseLifecycle;
import dev.opend1.service.EdgeServices;
import dev.opend1.service.Ownership;
import dev.opend1.transfer.Transfers;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds the server's parts from its configuration and connects them: the engine tells the history
 * about every commit (the engine never imports history; this is where they meet), and the HTTP edge
 * gets its services. Building them finishes what a crash interrupted ({@link
 * DatabaseLifecycle#recover}), so the server starts on a consistent data directory.
 *
 * @param history every database's history
 * @param engine runs SQL, reporting commits to the history
 * @param timeTravel bookmarks and restores
 * @param transfers exports and imports
 * @param analytics what the query requests did, for {@code /graphql}
 * @param services what the HTTP edge calls, one interface per route group
 * @param cluster a cluster node's leases (its databases are only those it holds); empty standalone
 * @param followers a cluster node's read replicas of databases other nodes own; empty standalone
 */
public record Wiring(
    History history,
    Engine engine,
    TimeTravel timeTravel,
    Transfers transfers,
    Analytics analytics,
    Services services,
    Optional<NodeOwnership> cluster,
    Optional<Followers> followers)
    implements AutoCloseable {

  /**
   * The parts for a data directory whose catalog is open; closing them leaves the catalog open. A
   * cluster member must be registered in {@code nodes} before: its leases name it there.
   */
  public static Wiring of(ServerConfig config, Path dataDir, Catalog catalog) {
    DataLayout layout = new DataLayout(dataDir);
    Optional<NodeOwnership> cluster =
        config
            .cluster()
            .map(
                c ->
                    NodeOwnership.open(
                        c,
                        config.objectStore().orElseThrow(),
                        catalog.sharedDatabase().orElseThrow(),
                        layout));
    History history;
    try {
      history = history(config, dataDir, catalog, cluster);
    } catch (RuntimeException e) {
      cluster.ifPresent(NodeOwnership::close);
      throw e;
    }
    Engine engine =
        new Engine(
            dataDir,
            config.sql(),
            config.sqlThreads(),
            config.maxOpenDatabases(),
            history,
            config.maxSpillBytesPerRequest(),
            config.maxSpillBytes(),
            config.maxPastStateBytes());
    cluster.ifPresent(c -> c.attach(engine));
    TimeTravel timeTravel =
        new TimeTravel(history, engine, config.restoreLimit(), config.restoreWindow());
    Transfers transfers;
    try {
      transfers =
          new Transfers(
              engine,
              dataDir,
              config.maxImportBytes(),
              config.maxTransferBytes(),
              config.importTimeout());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "prepare transfers in " + dataDir + ": " + e.getMessage(), e);
    }
    Analytics analytics =
        catalog
            .sharedDatabase()
            .map(shared -> Analytics.open(shared, DaemonPools.scheduled("opend1-analytics")))
            .orElseGet(
                () ->
                    Analytics.open(
                        layout.analyticsFile(), DaemonPools.scheduled("opend1-analytics")));
    DatabaseLifecycle databases =
        new DatabaseLifecycle(
            catalog.accounts(),
            catalog.databases(),
            engine,
            (id, bookmark, timestamp) ->
                timeTravel.imageAt(id, timeTravel.pastBookmark(id, bookmark, timestamp)),
            config.region(),
            config.maxDatabasesPerAccount(),
            cluster.<Ownership>map(c -> c).orElse(Ownership.STANDALONE));
    // A member with a bucket answers sessions' reads of databases other nodes own from followers of
    // their logs there (docs/cluster.md#read-replicas), started at a database's first such read.
    Optional<Followers> followers =
        cluster.flatMap(
            c ->
                history
                    .replication()
                    .map(
                        r ->
                            new Followers(
                                r.store(),
                                layout.replicasDir(),
                                DaemonPools.scheduled("opend1-follow"))));
    Services services =
        EdgeServices.over(
            catalog,
            databases,
            engine,
            history,
            timeTravel,
            transfers,
            analytics,
            config.dataDir(),
            followers,
            config.region());
    Wiring wiring =
        new Wiring(history, engine, timeTravel, transfers, analytics, services, cluster, followers);
    try {
      databases.recover();
    } catch (RuntimeException e) {
      wiring.close();
      throw e;
    }
    cluster.ifPresent(NodeOwnership::startTakeover);
    return wiring;
  }

  /**
   * Every database's history: shipped to the bucket when there is one (under the node's lease
   * epochs, captured only under its leases, in a cluster), else local only.
   */
  private static History history(
      ServerConfig config, Path dataDir, Catalog catalog, Optional<NodeOwnership> cluster) {
    if (config.objectStore().isEmpty()) {
      return new History(dataDir, config.historyRetention());
    }
    // A catalog in PostgreSQL is not copied to the bucket: PostgreSQL is backed up with its own
    // tools (docs/cluster.md).
    Optional<Path> catalogFile =
        catalog.sharedDatabase().isPresent()
            ? Optional.empty()
            : Optional.of(new DataLayout(dataDir).catalogFile());
    ObjectStoreSettings o = config.objectStore().get();
    if (cluster.isEmpty()) {
      return new History(
          dataDir,
          config.historyRetention(),
          Backups.replication(o, dataDir, catalogFile, config.historyRetention()));
    }
    return new History(
        dataDir,
        config.historyRetention(),
        Backups.replication(
            o, dataDir, catalogFile, config.historyRetention(), cluster.get().generation()),
        cluster.get().gate());
  }

  /**
   * Stops transfers, closes the engine (its last checkpoints reach the history), then the history;
   * the analytics flush their last minutes first. A cluster node first stops taking databases over
   * (a take rebuilds files and reopens them through the engine, which must not be closing), and
   * gives its leases back last, once everything it wrote is in the bucket; its caller marks it left
   * after that ({@code Membership.close}).
   */
  @Override
  public void close() {
    cluster.ifPresent(NodeOwnership::stopTaking);
    analytics.close();
    followers.ifPresent(Followers::close);
    transfers.close();
    engine.close();
    history.close();
    cluster.ifPresent(NodeOwnership::close);
  }
}
