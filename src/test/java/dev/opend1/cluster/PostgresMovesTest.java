package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import dev.opend1.testing.PostgresDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Moves of leases on a real PostgreSQL: an operator's request, the owner's hand-over and its
 * conditions (its own lease in force at its epoch, a live target), and what the lease row then says
 * about who wrote the database last. Expiry and a dead node are reached by test-only UPDATEs.
 */
class PostgresMovesTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Duration LIVENESS = Duration.ofSeconds(10);

  private ClusterDatabase db;
  private Leases leases;
  private Moves moves;
  private Nodes nodes;
  private final NodeId a = new NodeId("node-a");
  private final NodeId b = new NodeId("node-b");
  private final NodeId c = new NodeId("node-c");
  private final DatabaseId d = DatabaseId.random();

  @BeforeEach
  void open() {
    db = new ClusterDatabase(PG);
    leases = new PostgresLeases(db.dataSource());
    moves = new PostgresMoves(db.dataSource());
    nodes = new PostgresNodes(db.dataSource());
    for (NodeId n : new NodeId[] {a, b, c}) {
      nodes.heartbeat(n, URI.create("http://" + n.value() + ":8787"), "test");
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** Test-only: the lease on {@code d} lapsed a second ago by PostgreSQL's clock. */
  private void expire() throws Exception {
    db.execute(
        "UPDATE database_leases SET expires_at = now() - interval '1 second'"
            + " WHERE database_id = '"
            + d
            + "'");
  }

  @Test
  void aRequestedMoveIsHandedOverAndTakenByTheTargetWhoRebuildsIt() {
    Lease held = leases.acquire(d, a, LONG).orElseThrow();
    assertThat(moves.ask(d, b, LONG)).isEqualTo(Moves.Asked.ASKED);
    assertThat(moves.moving(d)).isTrue();
    assertThat(moves.pending(a)).containsExactly(new Moves.Move(d, Optional.of(b)));
    assertThat(moves.pending(b)).isEmpty();

    assertThat(moves.handOver(d, a, held.epoch() - 1, b, LONG, LIVENESS))
        .as("a stale epoch hands nothing over")
        .isFalse();
    assertThat(moves.handOver(d, a, held.epoch(), b, LONG, LIVENESS)).isTrue();
    Lease handed = leases.owner(d).orElseThrow();
    assertThat(handed.owner()).isEqualTo(b);
    assertThat(handed.epoch()).isEqualTo(held.epoch() + 1);
    assertThat(leases.last(d).orElseThrow().owner()).as("node a wrote it last").isEqualTo(a);
    assertThat(moves.pending(a)).isEmpty();
    assertThat(moves.pending(b)).containsExactly(new Moves.Move(d, Optional.empty()));
    assertThat(leases.renew(d, a, held.epoch(), LONG)).as("node a's lease is gone").isEmpty();

    Grant taken = leases.reclaim(d, b, LONG).orElseThrow();
    assertThat(taken.previousOwner()).as("so node b rebuilds its copy").contains(a);
    assertThat(taken.lease().epoch()).isEqualTo(held.epoch() + 2);
    assertThat(moves.moving(d)).isFalse();
    assertThat(moves.pending(b)).isEmpty();
    assertThat(leases.last(d).orElseThrow().owner()).isEqualTo(b);
  }

  @Test
  void aHandOverToANodeNotAliveOrDrainingIsRefusedAndTheRequestCanBeDropped() throws Exception {
    Lease held = leases.acquire(d, a, LONG).orElseThrow();
    nodes.drain(b);
    assertThat(moves.handOver(d, a, held.epoch(), b, LONG, LIVENESS)).as("draining").isFalse();
    db.execute(
        "UPDATE nodes SET heartbeat_at = now() - interval '1 minute' WHERE id = '"
            + c.value()
            + "'");
    moves.ask(d, c, LONG);
    assertThat(moves.handOver(d, a, held.epoch(), c, LONG, LIVENESS)).as("dead").isFalse();
    assertThat(leases.owner(d).orElseThrow().owner()).isEqualTo(a);
    moves.cancel(d, c);
    assertThat(moves.moving(d)).isFalse();
    assertThat(moves.pending(a)).isEmpty();
  }

  @Test
  void aLapsedLeaseIsGivenToTheTargetAtOnceAndAHandOverNotTakenLapsesToTheLastWriter()
      throws Exception {
    Lease held = leases.acquire(d, a, LONG).orElseThrow();
    expire();
    assertThat(moves.ask(d, b, LONG)).isEqualTo(Moves.Asked.GIVEN);
    Lease given = leases.owner(d).orElseThrow();
    assertThat(given.owner()).isEqualTo(b);
    assertThat(given.epoch()).isEqualTo(held.epoch() + 1);
    assertThat(moves.ask(d, b, LONG)).isEqualTo(Moves.Asked.THERE);
    assertThat(moves.ask(DatabaseId.random(), b, LONG)).isEqualTo(Moves.Asked.UNKNOWN);

    // Node b never takes it: once lapsed, any node may, and node a's copy is still the newest.
    expire();
    Grant back = leases.take(d, a, LONG).orElseThrow();
    assertThat(back.previousOwner()).contains(a);
    assertThat(moves.moving(d)).isFalse();
  }
}
