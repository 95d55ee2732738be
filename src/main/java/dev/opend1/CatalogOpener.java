package dev.opend1;

import dev.opend1.catalog.Catalog;
import dev.opend1.catalog.PostgresCatalog;
import dev.opend1.catalog.SqliteCatalog;
import dev.opend1.config.PostgresLocation;
import dev.opend1.core.DataLayout;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the configured catalog, for the server and the command-line tools alike: PostgreSQL when
 * {@code --catalog} names one, else the data directory's {@code catalog.sqlite}.
 */
final class CatalogOpener {

  private CatalogOpener() {}

  static Catalog open(Optional<PostgresLocation> postgres, Path dataDir) {
    if (postgres.isPresent()) {
      PostgresLocation p = postgres.get();
      return PostgresCatalog.open(p.jdbcUrl(), p.user(), p.password().orElse(null));
    }
    return SqliteCatalog.open(new DataLayout(dataDir).catalogFile());
  }
}
