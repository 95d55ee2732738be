package dev.opend1;

import dev.opend1.catalog.Catalog;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.NodeStatus;
import dev.opend1.cluster.PostgresNodes;
import dev.opend1.config.PostgresLocation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code opend1 cluster ...}: what the cluster's shared PostgreSQL says about its nodes. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Look at a cluster's nodes (the catalog in PostgreSQL).",
    subcommands = {ClusterCommand.Status.class})
final class ClusterCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Main.usage(spec);
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Every node registered in the cluster: state, alive or not (by PostgreSQL's clock),"
              + " last heartbeat, databases it holds a lease on, address and version. Exit 2"
              + " without --catalog (or OPEND1_CATALOG).")
  static final class Status implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CatalogOption catalog;

    @Override
    public Integer call() {
      Optional<PostgresLocation> postgres = catalog.resolve();
      if (postgres.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("opend1: a cluster's state is in its PostgreSQL catalog: give --catalog URL");
        return Main.CANNOT_RUN;
      }
      List<NodeStatus> nodes;
      try (Catalog c = CatalogOpener.open(postgres, java.nio.file.Path.of("."))) {
        nodes = new PostgresNodes(c.sharedDatabase().orElseThrow()).status(Membership.LIVENESS);
      }
      PrintWriter out = spec.commandLine().getOut();
      String row = "%-30s %-9s %-6s %-28s %9s  %s%n";
      out.printf(row, "NODE", "STATE", "ALIVE", "LAST HEARTBEAT", "DATABASES", "ADDRESS (VERSION)");
      for (NodeStatus n : nodes) {
        out.printf(
            row,
            n.node().id(),
            n.node().state().name().toLowerCase(java.util.Locale.ROOT),
            n.alive() ? "yes" : "no",
            n.node().heartbeatAt(),
            n.databases(),
            n.node().advertiseUrl() + " (" + n.node().version() + ")");
      }
      out.printf(
          "%d node(s), %d alive%n", nodes.size(), nodes.stream().filter(NodeStatus::alive).count());
      out.flush();
      return 0;
    }
  }
}
