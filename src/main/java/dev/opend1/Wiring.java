package dev.opend1;

import dev.opend1.config.ServerConfig;
import dev.opend1.engine.Engine;
import java.nio.file.Path;

/** Builds the server's parts from its configuration: the one place config meets the engine. */
public final class Wiring {

  private Wiring() {}

  /** The engine for a data directory, with the configured limits and sizes. */
  public static Engine engine(ServerConfig config, Path dataDir) {
    return new Engine(dataDir, config.sql(), config.sqlThreads(), config.maxOpenDatabases());
  }
}
