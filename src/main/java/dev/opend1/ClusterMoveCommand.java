package dev.opend1;

import dev.opend1.catalog.Catalog;
import dev.opend1.cluster.Lease;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.Moves;
import dev.opend1.cluster.NodeId;
import dev.opend1.cluster.NodeState;
import dev.opend1.cluster.NodeStatus;
import dev.opend1.cluster.PostgresLeases;
import dev.opend1.cluster.PostgresMoves;
import dev.opend1.cluster.PostgresNodes;
import dev.opend1.config.PostgresLocation;
import dev.opend1.core.DatabaseId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 cluster move DB NODE}: asks the database's owner, through PostgreSQL, to hand it to
 * a chosen live node ({@link Moves}), then waits until that node serves it.
 */
@Command(
    name = "move",
    mixinStandardHelpOptions = true,
    description =
        "Moves a database to a chosen live node: its owner stops writing it at its next lease"
            + " renewal, waits until what it wrote is in the bucket and hands the lease over; the"
            + " node takes it over from the bucket. Requests meanwhile wait or get a retryable 503."
            + " Waits until the node serves it. Exit 1 for an unknown database or node, a node not"
            + " alive or draining, or when the wait ends first; 2 without --catalog.")
final class ClusterMoveCommand implements Callable<Integer> {

  /**
   * How long a node is given to take a database whose lease was not in force when the move was
   * asked (its owner had died or let it go), before any node may take it.
   */
  private static final java.time.Duration GRACE = Membership.LIVENESS;

  @Spec CommandSpec spec;

  @Mixin CatalogOption catalog;

  @Parameters(index = "0", paramLabel = "DB", description = "The database's UUID.")
  String database;

  @Parameters(index = "1", paramLabel = "NODE", description = "The node's id, as status shows it.")
  String node;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long to wait for the node to serve the database (default 120).")
  long waitSeconds;

  @Override
  public Integer call() throws InterruptedException {
    Optional<PostgresLocation> postgres = catalog.resolve();
    if (postgres.isEmpty()) {
      return fail(
          Main.CANNOT_RUN, "a cluster's state is in its PostgreSQL catalog: give --catalog URL");
    }
    Optional<DatabaseId> id = DatabaseId.parse(database);
    if (id.isEmpty()) {
      return fail(1, database + " is not a database's UUID");
    }
    NodeId target = new NodeId(node);
    PrintWriter out = spec.commandLine().getOut();
    try (Catalog c = CatalogOpener.open(postgres, Path.of("."))) {
      DataSource shared = c.sharedDatabase().orElseThrow();
      PostgresNodes nodes = new PostgresNodes(shared);
      Optional<NodeStatus> to =
          nodes.status(Membership.LIVENESS).stream()
              .filter(n -> n.node().id().equals(target))
              .findFirst();
      if (to.isEmpty()) {
        return fail(1, "no node " + node + " in the cluster");
      }
      if (!to.get().alive() || to.get().node().state() != NodeState.LIVE) {
        return fail(1, "node " + node + " is not alive, or draining: it cannot take a database");
      }
      PostgresLeases leases = new PostgresLeases(shared);
      PostgresMoves moves = new PostgresMoves(shared);
      Moves.Asked asked = moves.ask(id.get(), target, GRACE);
      switch (asked) {
        case UNKNOWN -> {
          return fail(1, "no database " + database + " in the cluster");
        }
        case THERE -> out.printf("move: node %s serves %s already%n", node, database);
        case GIVEN -> out.printf("move: %s had no owner; given to node %s%n", database, node);
        case ASKED ->
            out.printf(
                "move: asked node %s to hand %s over to node %s%n",
                leases.owner(id.get()).map(l -> l.owner().value()).orElse("?"), database, node);
      }
      out.flush();
      long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
      while (true) {
        Optional<Lease> owner = leases.owner(id.get());
        if (owner.isPresent() && owner.get().owner().equals(target) && !moves.moving(id.get())) {
          out.printf(
              "move: node %s serves %s (lease epoch %d)%n", node, database, owner.get().epoch());
          out.flush();
          return 0;
        }
        if (System.nanoTime() > deadline) {
          return fail(
              1,
              "node "
                  + node
                  + " does not serve "
                  + database
                  + " after "
                  + waitSeconds
                  + " s; its lease: "
                  + owner.map(l -> "held by " + l.owner().value()).orElse("not in force"));
        }
        Thread.sleep(200);
      }
    }
  }

  private int fail(int status, String why) {
    spec.commandLine().getErr().println("opend1: " + why);
    return status;
  }
}
