package dev.opend1;

import dev.opend1.config.ConfigLoader;
import dev.opend1.config.PostgresLocation;
import dev.opend1.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --catalog} and {@code --catalog-password-file} options of the command-line tools that
 * open the catalog, with the same fallbacks as {@code serve} ({@code OPEND1_CATALOG}, {@code
 * PGPASSWORD}, the config file).
 */
final class CatalogOption {

  @Option(
      names = "--catalog",
      paramLabel = "URL",
      description =
          "The catalog in PostgreSQL, postgresql://USER@HOST:PORT/DATABASE (default:"
              + " $OPEND1_CATALOG, else the data directory's); the password from PGPASSWORD or"
              + " --catalog-password-file.")
  String url;

  @Option(
      names = "--catalog-password-file",
      paramLabel = "FILE",
      description = "File whose first line is the PostgreSQL password.")
  String passwordFile;

  /**
   * The cluster's PostgreSQL, for the {@code cluster} commands; empty, after saying so on the
   * command's standard error, when none is given (a cluster's state is only there).
   */
  Optional<PostgresLocation> cluster(java.io.PrintWriter err) {
    Optional<PostgresLocation> postgres = resolve();
    if (postgres.isEmpty()) {
      err.println("opend1: a cluster's state is in its PostgreSQL catalog: give --catalog URL");
    }
    return postgres;
  }

  Optional<PostgresLocation> resolve() {
    Map<String, String> flags = new HashMap<>();
    if (url != null) {
      flags.put(Settings.CATALOG.name(), url);
    }
    if (passwordFile != null) {
      flags.put(Settings.CATALOG_PASSWORD_FILE.name(), passwordFile);
    }
    return ConfigLoader.catalog(flags, System.getenv());
  }
}
