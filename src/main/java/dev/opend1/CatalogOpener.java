package dev.opend1;

import dev.opend1.catalog.Catalog;
import dev.opend1.catalog.PostgresCatalog;
import dev.opend1.catalog.SqliteCatalog;
import dev.opend1.cluster.LocalNodeId;
import dev.opend1.cluster.NodeId;
import dev.opend1.config.PostgresLocation;
import dev.opend1.core.DataLayout;
import dev.opend1.engine.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the configured catalog, for the server and the command-line tools alike: PostgreSQL when
 * {@code --catalog} names one, else the data directory's {@code catalog.sqlite}.
 */
final class CatalogOpener {

  private CatalogOpener() {}

  /**
   * The catalog for a serving node: in PostgreSQL, the creates and deletes it starts are marked
   * with the node's id ({@link LocalNodeId}), so its start finishes only its own.
   */
  static Catalog forServer(Optional<PostgresLocation> postgres, Path dataDir) {
    if (postgres.isPresent()) {
      PostgresLocation p = postgres.get();
      return PostgresCatalog.open(
          p.jdbcUrl(),
          p.user(),
          p.password().orElse(null),
          nodeId(new DataLayout(dataDir)).value());
    }
    return open(postgres, dataDir);
  }

  /**
   * The node's id kept in the data directory ({@code node-id}), made and stored durably first if
   * there is none.
   */
  static NodeId nodeId(DataLayout layout) {
    Path file = layout.nodeIdFile();
    try {
      if (Files.exists(file)) {
        return LocalNodeId.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
      }
      NodeId made = LocalNodeId.fresh();
      DurableFiles.writeAtomically(file, (made + "\n").getBytes(StandardCharsets.UTF_8));
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException("node id in " + file + ": " + e.getMessage(), e);
    }
  }

  /** The catalog for the command-line tools, which start no create or delete. */
  static Catalog open(Optional<PostgresLocation> postgres, Path dataDir) {
    if (postgres.isPresent()) {
      PostgresLocation p = postgres.get();
      return PostgresCatalog.open(p.jdbcUrl(), p.user(), p.password().orElse(null));
    }
    return SqliteCatalog.open(new DataLayout(dataDir).catalogFile());
  }
}
