package dev.opend1;

import dev.opend1.config.ServerConfig;
import dev.opend1.engine.Engine;
import dev.opend1.history.History;
import dev.opend1.history.TimeTravel;
import dev.opend1.objectstore.Backups;
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
 */
public record Wiring(History history, Engine engine, TimeTravel timeTravel, Transfers transfers)
    implements AutoCloseable {

  /** The parts for a data directory. */
  public static Wiring of(ServerConfig config, Path dataDir) {
    History history =
        config
            .objectStore()
            .map(
                o ->
                    new History(
                        dataDir,
                        config.historyRetention(),
                        Backups.replication(
                            o,
                            dataDir,
                            dataDir.resolve("catalog.sqlite"),
                            config.historyRetention())))
            .orElseGet(() -> new History(dataDir, config.historyRetention()));
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
      return new Wiring(history, engine, timeTravel, transfers);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "prepare transfers in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops transfers, closes the engine (its last checkpoints reach the history), then the history.
   */
  @Override
  public void close() {
    transfers.close();
    engine.close();
    history.close();
  }
}
