package dev.opend1;

import dev.opend1.config.ServerConfig;
import dev.opend1.engine.Engine;
import dev.opend1.engine.Limits;
import java.nio.file.Path;
import java.time.Duration;

/** Builds the server's parts from its configuration: the one place config meets the engine. */
public final class Wiring {

  private Wiring() {}

  /** The engine for a data directory, with the configured limits and sizes. */
  public static Engine engine(ServerConfig config, Path dataDir) {
    ServerConfig.SqlLimits s = config.sql();
    Limits limits =
        new Limits(
            s.maxStatementBytes(),
            s.maxBoundParameters(),
            s.maxValueBytes(),
            s.maxColumns(),
            s.maxFunctionArgs(),
            s.maxLikePatternBytes(),
            Duration.ofMillis(s.queryTimeoutMs()),
            s.maxDatabaseBytes(),
            s.maxQueuedWrites());
    return new Engine(dataDir, limits, config.sqlThreads(), config.maxOpenDatabases());
  }
}
