package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL catalog, each with its own data directory: what one does is never
 * undone or hidden from the other. A node's start finishes only its own interrupted creates, and a
 * database one node deletes is gone on the other at once (no cached record outlives it).
 */
class TwoNodesOneCatalogTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @TempDir Path dir;

  @Test
  void aStartingNodeLeavesAnotherNodesCreateInFlightAlone() {
    String catalog = PG.server().catalogUrl(PG.fresh());
    DatabaseRecord inFlight;
    try (InJvmNode a = InJvmNode.start(dir.resolve("a"), catalog)) {
      // A's create stopped between reserving the name and making the record visible, as if its
      // files were still being written.
      inFlight =
          new DatabaseRecord(
              DatabaseId.random(),
              new AccountId(InJvmNode.ACCOUNT),
              "in-flight",
              Instant.now(),
              Optional.empty(),
              Optional.empty(),
              Region.WNAM,
              "disabled");
      a.catalog().databases().reserve(inFlight, 100);
      try (InJvmNode b = InJvmNode.start(dir.resolve("b"), catalog)) {
        assertThat(b.catalog().databases().unfinished()).isEmpty();
        assertThat(a.catalog().databases().unfinished()).containsExactly(inFlight.id());
        // The name is still held: B cannot take it.
        D1Client.Reply taken = b.client().post(InJvmNode.databases(), "{\"name\":\"in-flight\"}");
        assertThat(taken.status()).as(taken.body()).isEqualTo(400);
        assertThat(taken.errorCode()).isEqualTo(7502);
      }
    }
    // A's own restart finishes it: the record goes and the name is free.
    try (InJvmNode a = InJvmNode.start(dir.resolve("a"), catalog)) {
      assertThat(a.catalog().databases().unfinished()).isEmpty();
      D1Client.Reply made = a.client().post(InJvmNode.databases(), "{\"name\":\"in-flight\"}");
      assertThat(made.status()).as(made.body()).isEqualTo(200);
    }
  }

  @Test
  void aDatabaseDeletedThroughOneNodeIsGoneOnTheOtherAtOnce() {
    String catalog = PG.server().catalogUrl(PG.fresh());
    try (InJvmNode a = InJvmNode.start(dir.resolve("a"), catalog);
        InJvmNode b = InJvmNode.start(dir.resolve("b"), catalog)) {
      D1Client.Reply made = a.client().post(InJvmNode.databases(), "{\"name\":\"short-lived\"}");
      assertThat(made.status()).as(made.body()).isEqualTo(200);
      String uuid = made.result().path("uuid").asText();
      // Both nodes have looked the database up, by name and by id. B finds the record but not
      // the files, which are on A (503: no forwarding yet); what matters is that it found it.
      for (String path : new String[] {"/short-lived", "/" + uuid}) {
        assertThat(a.client().get(InJvmNode.databases() + path).status()).isEqualTo(200);
        assertThat(b.client().get(InJvmNode.databases() + path).status()).isEqualTo(503);
      }
      D1Client.Reply deleted = a.client().delete(InJvmNode.databases() + "/" + uuid);
      assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
      assertThat(b.client().get(InJvmNode.databases() + "/short-lived").status()).isEqualTo(404);
      assertThat(b.client().get(InJvmNode.databases() + "/" + uuid).status()).isEqualTo(404);
      // And the name is free for B at once.
      D1Client.Reply again = b.client().post(InJvmNode.databases(), "{\"name\":\"short-lived\"}");
      assertThat(again.status()).as(again.body()).isEqualTo(200);
    }
  }
}
