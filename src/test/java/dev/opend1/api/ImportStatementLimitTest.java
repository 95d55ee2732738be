package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.ImportDriver;
import dev.opend1.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import's statement limit in SQLite's dialect (10,000,000) counts UTF-8 bytes, as D1's own
 * limits do, not characters: a statement of three-byte characters passes under it and is refused
 * over it though it has a third as many characters.
 */
class ImportStatementLimitTest {

  private static final int LIMIT = 10_000_000;

  @TempDir Path dir;

  /** One INSERT of rows of '€' (three bytes each) that is {@code bytes} long with its ';'. */
  static String insertOfBytes(int bytes) {
    String head = "INSERT INTO w VALUES ";
    String row = "('" + "€".repeat(999) + "'),";
    int rowBytes = row.getBytes(StandardCharsets.UTF_8).length;
    int body = bytes - head.length() - "('');".length();
    int rest = body % rowBytes;
    String text =
        head
            + row.repeat(body / rowBytes)
            + "('"
            + "€".repeat(rest / 3)
            + "x".repeat(rest % 3)
            + "');";
    assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    return text;
  }

  @Test
  void theLimitCountsBytesNotCharacters() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("sql-compat", "sqlite"))) {
      D1Client client = server.client();
      String db =
          databases()
              + "/"
              + client.post(databases(), "{\"name\":\"limit\"}").result().get("uuid").asText();
      assertThat(client.post(db + "/query", sql("CREATE TABLE w(a)")).status()).isEqualTo(200);

      String under = insertOfBytes(LIMIT - 1000);
      JsonNode passed = ImportDriver.run(client, db, under + "\n");
      assertThat(passed.get("status").asText()).as(passed.toString()).isEqualTo("complete");

      String over = insertOfBytes(LIMIT + 1000);
      assertThat(over.length()).as("characters, far under the limit").isLessThan(LIMIT / 2);
      JsonNode refused = ImportDriver.run(client, db, over + "\n");
      assertThat(refused.get("status").asText()).as(refused.toString()).isEqualTo("error");
      assertThat(refused.get("error").asText())
          .isEqualTo("Statement 1 failed: statement too long: SQLITE_TOOBIG");
    }
  }
}
