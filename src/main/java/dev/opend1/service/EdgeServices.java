package dev.opend1.service;

import dev.opend1.analytics.Analytics;
import dev.opend1.api.Services;
import dev.opend1.catalog.Catalog;
import dev.opend1.core.Region;
import dev.opend1.engine.Engine;
import dev.opend1.history.Followers;
import dev.opend1.history.History;
import dev.opend1.history.TimeTravel;
import dev.opend1.transfer.Transfers;
import java.nio.file.Path;
import java.util.Optional;

/** The HTTP edge's {@link Services} over the server's parts. */
public final class EdgeServices {

  private EdgeServices() {}

  /**
   * The services of every route group.
   *
   * @param databases the database lifecycle, recovered already
   * @param dataDir the data directory, as {@code /status} shows it
   * @param followers a cluster member's read replicas; else empty
   * @param region this node's region, which its read replicas' answers name
   */
  public static Services over(
      Catalog catalog,
      DatabaseLifecycle databases,
      Engine engine,
      History history,
      TimeTravel timeTravel,
      Transfers transfers,
      Analytics analytics,
      Path dataDir,
      Optional<Followers> followers,
      Region region) {
    DiskFigures disk = new DiskFigures(engine, history);
    return new Services(
        catalog.accounts(),
        catalog.tokens(),
        databases,
        new EngineQueries(engine, timeTravel),
        new HistoryTimeTravel(timeTravel, engine),
        new TransferJobs(transfers, timeTravel),
        new ServerStatus(engine, history, transfers.counters(), disk, dataDir),
        new ServerMeters(
            engine,
            history.counters(),
            transfers.counters(),
            disk,
            history.replication(),
            followers),
        analytics,
        analytics,
        new DatabaseRecovery(history.replication().map(r -> r.store()), databases, engine.tmpDir()),
        Optional.empty(),
        followers.map(f -> new ReplicaQueries(engine, f, region, history)));
  }
}
