package dev.opend1;

import dev.opend1.catalog.Catalog;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.NodeId;
import dev.opend1.cluster.NodeStatus;
import dev.opend1.cluster.PostgresNodes;
import dev.opend1.cluster.ReplicaLag;
import dev.opend1.config.PostgresLocation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 cluster ...}: what the cluster's shared PostgreSQL says about its nodes and their
 * read replicas ({@link ClusterReplicasCommand}), draining one of them, moving a database ({@link
 * ClusterMoveCommand}), and importing a standalone server's catalog ({@link ClusterImportCommand}).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description =
        "Look at a cluster's nodes and read replicas (the catalog in PostgreSQL), drain a node,"
            + " move a database, or import a standalone server's catalog.",
    subcommands = {
      ClusterCommand.Status.class,
      ClusterCommand.Drain.class,
      ClusterMoveCommand.class,
      ClusterReplicasCommand.class,
      ClusterImportCommand.class
    })
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
              + " last heartbeat, databases it holds a lease on, the databases its read replicas"
              + " follow and their largest lag behind the bucket (in seconds and records, as of"
              + " its last heartbeat), address and version. Exit 2"
              + " without --catalog (or OPEND1_CATALOG).")
  static final class Status implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CatalogOption catalog;

    @Override
    public Integer call() {
      Optional<PostgresLocation> postgres = catalog.cluster(spec.commandLine().getErr());
      if (postgres.isEmpty()) {
        return Main.CANNOT_RUN;
      }
      List<NodeStatus> nodes;
      try (Catalog c = CatalogOpener.open(postgres, java.nio.file.Path.of("."))) {
        nodes = new PostgresNodes(c.sharedDatabase().orElseThrow()).status(Membership.LIVENESS);
      }
      PrintWriter out = spec.commandLine().getOut();
      String row = "%-30s %-9s %-6s %-28s %9s %8s %8s %11s  %s%n";
      out.printf(
          row,
          "NODE",
          "STATE",
          "ALIVE",
          "LAST HEARTBEAT",
          "DATABASES",
          "REPLICAS",
          "LAG (S)",
          "LAG (RECS)",
          "ADDRESS (VERSION)");
      for (NodeStatus n : nodes) {
        // A node not alive reports nothing now: its last figures would read as current.
        ReplicaLag r = n.replicas();
        out.printf(
            row,
            n.node().id(),
            n.node().state().name().toLowerCase(java.util.Locale.ROOT),
            n.alive() ? "yes" : "no",
            n.node().heartbeatAt(),
            n.databases(),
            n.alive() ? Integer.toString(r.followed()) : "-",
            n.alive() ? String.format(java.util.Locale.ROOT, "%.1f", r.seconds()) : "-",
            n.alive() ? Long.toString(r.records()) : "-",
            n.node().advertiseUrl() + " (" + n.node().version() + ")");
      }
      out.printf(
          "%d node(s), %d alive%n", nodes.size(), nodes.stream().filter(NodeStatus::alive).count());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description =
          "Marks a node draining in PostgreSQL: it is placed no new database, stops serving its"
              + " databases at its next lease renewal and hands each over, once what it wrote is"
              + " in the bucket, to the least-loaded live node, which takes it over from the"
              + " bucket. Waits until the node holds no lease. Exit 1 for an unknown node or when"
              + " the wait ends first, 2 without --catalog.")
  static final class Drain implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CatalogOption catalog;

    @Parameters(paramLabel = "NODE", description = "The node's id, as cluster status shows it.")
    String node;

    @Option(
        names = "--wait",
        paramLabel = "SECONDS",
        defaultValue = "120",
        description = "How long to wait for the node to hand its databases over (default 120).")
    long waitSeconds;

    @Override
    public Integer call() throws InterruptedException {
      Optional<PostgresLocation> postgres = catalog.cluster(spec.commandLine().getErr());
      if (postgres.isEmpty()) {
        return Main.CANNOT_RUN;
      }
      PrintWriter out = spec.commandLine().getOut();
      NodeId id = new NodeId(node);
      try (Catalog c = CatalogOpener.open(postgres, java.nio.file.Path.of("."))) {
        PostgresNodes nodes = new PostgresNodes(c.sharedDatabase().orElseThrow());
        if (!nodes.drain(id)) {
          spec.commandLine().getErr().println("opend1: no node " + node + " in the cluster");
          return 1;
        }
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        long shown = -1;
        while (true) {
          long held =
              nodes.status(Membership.LIVENESS).stream()
                  .filter(n -> n.node().id().equals(id))
                  .mapToLong(NodeStatus::databases)
                  .sum();
          if (held != shown) {
            out.printf("drain: node %s holds %d database(s)%n", node, held);
            out.flush();
            shown = held;
          }
          if (held == 0) {
            out.printf("drain: node %s is drained%n", node);
            out.flush();
            return 0;
          }
          if (System.nanoTime() > deadline) {
            spec.commandLine()
                .getErr()
                .println(
                    "opend1: node "
                        + node
                        + " still holds "
                        + held
                        + " database(s) after "
                        + waitSeconds
                        + " s (is it running?)");
            return 1;
          }
          Thread.sleep(500);
        }
      }
    }
  }
}
