package dev.opend1;

import dev.opend1.catalog.Catalog;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.NodeId;
import dev.opend1.cluster.PostgresNodes;
import dev.opend1.cluster.ReplicaStatus;
import dev.opend1.config.PostgresLocation;
import dev.opend1.core.DatabaseId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 cluster replicas}: every database some live node follows as a read replica, with
 * its owner and each following node's lag, as the nodes reported them with their last heartbeat
 * (straight from PostgreSQL, like {@code cluster status}).
 */
@Command(
    name = "replicas",
    mixinStandardHelpOptions = true,
    description =
        "Every database a live node follows as a read replica: its name and owner, each node"
            + " that follows it and how far that node's copy is behind the bucket, in seconds and"
            + " records (at least), as of the node's last heartbeat. Exit 1 for a --database that"
            + " is not a UUID, 2 without --catalog (or OPEND1_CATALOG).")
final class ClusterReplicasCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin CatalogOption catalog;

  @Option(names = "--database", paramLabel = "UUID", description = "Only this database's copies.")
  String database;

  @Override
  public Integer call() {
    Optional<PostgresLocation> postgres = catalog.cluster(spec.commandLine().getErr());
    if (postgres.isEmpty()) {
      return Main.CANNOT_RUN;
    }
    Optional<DatabaseId> only = Optional.empty();
    if (database != null) {
      only = DatabaseId.parse(database);
      if (only.isEmpty()) {
        spec.commandLine().getErr().println("opend1: " + database + " is not a database's UUID");
        return 1;
      }
    }
    List<ReplicaStatus> copies;
    try (Catalog c = CatalogOpener.open(postgres, Path.of("."))) {
      copies = new PostgresNodes(c.sharedDatabase().orElseThrow()).replicas(Membership.LIVENESS);
    }
    Optional<DatabaseId> filter = only;
    copies = copies.stream().filter(r -> filter.map(r.database()::equals).orElse(true)).toList();
    PrintWriter out = spec.commandLine().getOut();
    String row = "%-36s  %-20s %-30s %-30s %8s %11s%n";
    out.printf(row, "DATABASE", "NAME", "OWNER", "FOLLOWED BY", "LAG (S)", "LAG (RECS)");
    for (ReplicaStatus r : copies) {
      out.printf(
          row,
          r.database(),
          r.name().orElse("(deleted)"),
          r.owner().map(NodeId::value).orElse("(none)"),
          r.follower(),
          String.format(Locale.ROOT, "%.1f", r.seconds()),
          r.records());
    }
    out.printf(
        "%d cop%s of %d database(s)%n",
        copies.size(),
        copies.size() == 1 ? "y" : "ies",
        copies.stream().map(ReplicaStatus::database).distinct().count());
    out.flush();
    return 0;
  }
}
