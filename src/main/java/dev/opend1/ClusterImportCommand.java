package dev.opend1;

import dev.opend1.catalog.CatalogImport;
import dev.opend1.catalog.PostgresCatalog;
import dev.opend1.config.PostgresLocation;
import dev.opend1.core.DataLayout;
import dev.opend1.engine.DataDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 cluster import-catalog}: moves a standalone server's accounts, tokens and database
 * records from its data directory's catalog file into the cluster's PostgreSQL ({@link
 * CatalogImport}), so a cluster started on the bucket prefix the server shipped to serves its
 * databases (docs/cluster.md#moving-a-standalone-server-into-a-cluster).
 *
 * <p>Why a command and not a node's first start with {@code --catalog} on such a data directory: an
 * import is a decision about the whole cluster's accounts and tokens, made once by an operator who
 * sees what it did and any collision it refused, rather than something each node's start would do
 * or not depending on which data directory it happened to have.
 */
@Command(
    name = "import-catalog",
    mixinStandardHelpOptions = true,
    description =
        "Imports a standalone server's catalog (DATA_DIR/catalog.sqlite: accounts, API and"
            + " operator tokens, database records) into the cluster's PostgreSQL catalog, all or"
            + " nothing; running it again imports only what is missing. The server must be"
            + " stopped. Exit 1 when a record collides with a different one in the cluster's"
            + " catalog (nothing is imported then), 2 without --catalog or on an unreadable file.")
final class ClusterImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin CatalogOption catalog;

  @Mixin DataDirOption dataDir;

  @Override
  public Integer call() throws Exception {
    Optional<PostgresLocation> postgres = catalog.cluster(spec.commandLine().getErr());
    if (postgres.isEmpty()) {
      return Main.CANNOT_RUN;
    }
    Path root = dataDir.resolve().toAbsolutePath().normalize();
    Path file = new DataLayout(root).catalogFile();
    PrintWriter out = spec.commandLine().getOut();
    // Held throughout: the standalone server must not change its catalog while it is imported.
    AutoCloseable lock = DataDirectory.lockOffline(root);
    try (PostgresCatalog target =
        PostgresCatalog.open(
            postgres.get().jdbcUrl(),
            postgres.get().user(),
            postgres.get().password().orElse(null))) {
      CatalogImport.Imported done;
      try {
        done = CatalogImport.into(target, file);
      } catch (CatalogImport.Refused e) {
        spec.commandLine().getErr().println("opend1: " + e.getMessage());
        return 1;
      }
      out.printf(
          "import-catalog: %d record(s) added, %d already there, from %s%n",
          done.added(), done.present(), file);
      for (String id : done.deletedSince()) {
        out.printf("import-catalog: database %s was deleted in the cluster: not imported%n", id);
      }
      out.flush();
      return 0;
    } finally {
      lock.close();
    }
  }
}
