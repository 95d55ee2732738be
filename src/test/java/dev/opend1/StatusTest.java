package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.IdleClose;
import dev.opend1.testing.ServerProcess.Output;
import dev.opend1.testing.TestServer;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /status} and the online doctor: behind an operator token on the main port, open on the
 * metrics port; {@code opend1 status} and {@code opend1 doctor --url --database} print them.
 */
class StatusTest {

  @TempDir Path dir;

  private static String database(TestServer server, String name) {
    Reply r = server.client().post(TestServer.databases(), "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String id = r.result().get("uuid").asText();
    for (String sql :
        new String[] {
          "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)",
          "INSERT INTO t(b) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
              + " WHERE x < 300) SELECT printf('row %d', x) FROM c"
        }) {
      Reply q =
          server
              .client()
              .post(
                  TestServer.databases() + "/" + id + "/query",
                  D1Client.JSON.createObjectNode().put("sql", sql).toString());
      assertThat(q.status()).as(q.body()).isEqualTo(200);
    }
    return id;
  }

  @Test
  void onTheMainPortStatusNeedsAnOperatorToken() throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      database(server, "one");
      String data = server.dataDir().toString();
      assertThat(server.client(Map.of()).get("/status").status()).isEqualTo(401);
      assertThat(server.client().get("/status").status())
          .as("an account's token is no operator token")
          .isEqualTo(401);

      Output created = Commands.run("token", "create", "--operator", "--data-dir", data);
      assertThat(created.exitCode()).as(created.stderr()).isZero();
      String token = created.lastLine();
      String tokenId = created.stdout().lines().findFirst().orElseThrow().replace("token id: ", "");
      D1Client operator = server.client(Map.of("Authorization", "Bearer " + token));
      Reply status = operator.get("/status");
      assertThat(status.status()).as(status.body()).isEqualTo(200);
      JsonNode s = status.result();
      assertThat(s.get("version").asText()).isNotEmpty();
      assertThat(s.get("revision").asText()).isNotEmpty();
      assertThat(s.get("uptime_seconds").asLong()).isGreaterThanOrEqualTo(0);
      assertThat(s.get("data_dir").asText()).isEqualTo(data);
      assertThat(s.at("/disk/free_bytes").asLong()).isPositive();
      assertThat(s.at("/disk/database_bytes").asLong()).isPositive();
      assertThat(s.at("/disk/history_bytes").asLong()).isPositive();
      assertThat(s.at("/databases/open").asInt()).isEqualTo(1);
      assertThat(s.at("/queues/writes").asInt()).isZero();
      assertThat(s.at("/queues/sql_tasks_waiting").asInt()).isZero();
      assertThat(s.has("last_checkpoint")).isTrue();
      assertThat(s.get("object_storage").isNull()).isTrue();

      // The operator token has no D1 rights at all.
      assertThat(operator.get("/client/v4/accounts").status()).isEqualTo(401);
      assertThat(operator.get(TestServer.databases()).status()).isEqualTo(401);

      // opend1 status prints it; token list shows the operator token.
      Path tokenFile = Files.writeString(dir.resolve("operator-token"), token + "\n");
      Output printed =
          Commands.run("status", "--url", server.baseUrl(), "--token-file", tokenFile.toString());
      assertThat(printed.exitCode()).as(printed.stderr()).isZero();
      assertThat(printed.stdout())
          .startsWith("opend1 ")
          .contains("data directory " + data + ": ")
          .contains("databases: 1 open, none unavailable")
          .contains("queues: 0 writes")
          .contains("object storage: not configured");
      Output refused = Commands.run("status", "--url", server.baseUrl());
      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.stderr()).contains("needs an operator token");
      assertThat(Commands.run("token", "list", "--data-dir", data).stdout())
          .containsPattern(tokenId + " +- +operator ");

      assertThat(Commands.run("token", "revoke", tokenId, "--data-dir", data).exitCode()).isZero();
      assertThat(operator.get("/status").status()).isEqualTo(401);
    }
  }

  @Test
  void onItsOwnPortStatusIsOpenAndDoctorChecksOneDatabaseOnline() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestServer server =
        TestServer.start(dir.resolve("data"), Map.of("metrics-port", Integer.toString(port)))) {
      String id = database(server, "checked");
      String metrics = "http://127.0.0.1:" + port;
      assertThat(server.client().get("/status").status()).isEqualTo(404);
      Reply open = new D1Client(metrics, Map.of()).get("/status");
      assertThat(open.status()).as(open.body()).isEqualTo(200);
      assertThat(Commands.run("status", "--url", metrics).exitCode()).isZero();

      Output healthy = Commands.run("doctor", "--url", metrics, "--database", id);
      assertThat(healthy.exitCode()).as(healthy.stdout() + healthy.stderr()).isZero();
      assertThat(healthy.lastLine()).startsWith("healthy: database " + id + " checked online, ");

      Output missing =
          Commands.run("doctor", "--url", metrics, "--database", UUID.randomUUID().toString());
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.stdout()).contains("problem: database ").contains("has no directory");

      // A damaged page, found while the server runs (its connections closed first, so the check
      // reads the file rather than a cache).
      IdleClose.closeAll(server.engine());
      Path file = server.dataDir().resolve("db").resolve(id).resolve("db.sqlite");
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.seek(2 * 4096);
        f.write(new byte[] {0x0d, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f});
      }
      Output damaged = Commands.run("doctor", "--url", metrics, "--database", id);
      assertThat(damaged.exitCode()).as(damaged.stdout() + damaged.stderr()).isEqualTo(1);
      assertThat(damaged.stdout()).contains("problem: integrity_check: ");
    }
  }
}
