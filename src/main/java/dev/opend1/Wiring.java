package dev.opend1;

import dev.opend1.analytics.Analytics;
import dev.opend1.config.ServerConfig;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.Engine;
import dev.opend1.history.History;
import dev.opend1.history.TimeTravel;
import dev.opend1.transfer.Transfers;
import java.nio.file.Path;

/**
 * Builds the server's parts from its configuration and connects them: the engine tells the history
 * about every commit (the engine never imports history; this is where they meet).
 *
 * @param history every database's history
 * @param engine runs SQL, reporting commits to the history
 * @param timeTravel bookmarks and restores
 * @param transfers exports and imports
 * @param analytics what the query requests did, for {@code /graphql}
 */
public record Wiring(
    History history, Engine engine, TimeTravel timeTravel, Transfers transfers, Analytics analytics)
    implements AutoCloseable {

  /** The parts for a data directory. */
  public static Wiring of(ServerConfig config, Path dataDir) {
    History history = new History(dataDir, config.historyRetention());
    Engine engine =
        new Engine(
            dataDir,
            config.sql(),
            config.sqlThreads(),
            config.maxOpenDatabases(),
            history,
            config.maxSpillBytesPerRequest(),
            config.maxSpillBytes());
    TimeTravel timeTravel =
        new TimeTravel(history, engine, config.restoreLimit(), config.restoreWindow());
    try {
      Transfers transfers =
          new Transfers(
              engine,
              dataDir,
              config.maxImportBytes(),
              config.maxTransferBytes(),
              config.importTimeout());
      Analytics analytics = Analytics.open(dataDir, DaemonPools.scheduled("opend1-analytics"));
      return new Wiring(history, engine, timeTravel, transfers, analytics);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "prepare transfers in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops transfers, closes the engine (its last checkpoints reach the history), then the history;
   * the analytics flush their last minutes first.
   */
  @Override
  public void close() {
    analytics.close();
    transfers.close();
    engine.close();
    history.close();
  }
}
