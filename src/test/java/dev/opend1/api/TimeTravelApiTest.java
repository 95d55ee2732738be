package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.Golden;
import dev.opend1.testing.Integrity;
import dev.opend1.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bookmarks and restores over HTTP. */
class TimeTravelApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String db;

  @BeforeEach
  void start() {
    server = TestServer.start(dir, Map.of("restore-limit", "4"));
    client = server.client();
    db =
        databases()
            + "/"
            + client.post(databases(), "{\"name\":\"tt\"}").result().get("uuid").asText();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String bookmark() {
    Reply r = client.get(db + "/time_travel/bookmark");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().get("bookmark").asText();
  }

  private void run(String statements) {
    Reply r = client.post(db + "/query", sql(statements));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private String rows() {
    return client
        .post(db + "/query", sql("SELECT * FROM t ORDER BY a"))
        .result()
        .get(0)
        .get("results")
        .toString();
  }

  private Reply restore(String query) {
    return client.send("POST", db + "/time_travel/restore?" + query, null);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void aNewDatabaseHasABookmarkThatMovesWithWritesOnly() {
    String first = bookmark();
    assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}");
    run("CREATE TABLE t(a)");
    String second = bookmark();
    assertThat(second).isGreaterThan(first);
    client.post(db + "/query", sql("SELECT * FROM t"));
    assertThat(bookmark()).isEqualTo(second);
    run("INSERT INTO t VALUES (1)");
    assertThat(bookmark()).isGreaterThan(second);
  }

  @Test
  void restoreReturnsToABookmarkAndPreviousBookmarkUndoesIt() {
    run("CREATE TABLE t(a)");
    run("INSERT INTO t VALUES (1)");
    String one = bookmark();
    run("INSERT INTO t VALUES (2); DELETE FROM t WHERE a = 1");
    String later = bookmark();
    assertThat(rows()).isEqualTo("[{\"a\":2}]");

    Reply r = restore("bookmark=" + one);
    Golden.assertMatches(r, "restore.json");
    assertThat(rows()).isEqualTo("[{\"a\":1}]");
    assertThat(r.result().get("previous_bookmark").asText()).isEqualTo(later);
    String restored = r.result().get("bookmark").asText();
    assertThat(restored).isGreaterThan(later).isEqualTo(bookmark());

    // Writes go on from the restored state, and the undo goes back past them too.
    run("INSERT INTO t VALUES (3)");
    Reply undo = restore("bookmark=" + later);
    assertThat(undo.status()).isEqualTo(200);
    assertThat(rows()).isEqualTo("[{\"a\":2}]");
    assertThat(restore("bookmark=" + restored).status())
        .as("a restore of a restore")
        .isEqualTo(200);
    assertThat(rows()).isEqualTo("[{\"a\":1}]");
    assertThat(Integrity.check(dir, db)).isEqualTo("ok");
  }

  @Test
  void timestampsResolveToTheLastCommitAtOrBeforeThem() throws Exception {
    String created = bookmark();
    run("CREATE TABLE t(a)");
    run("INSERT INTO t VALUES (1)");
    String one = bookmark();
    Thread.sleep(30);
    Instant between = Instant.now();
    Thread.sleep(30);
    run("INSERT INTO t VALUES (2)");
    assertThat(
            client
                .get(db + "/time_travel/bookmark?timestamp=" + enc(between.toString()))
                .result()
                .get("bookmark")
                .asText())
        .isEqualTo(one);
    String seconds = Long.toString(Instant.now().plusSeconds(0).getEpochSecond() - 3600);
    assertThat(
            client
                .get(db + "/time_travel/bookmark?timestamp=" + seconds)
                .result()
                .get("bookmark")
                .asText())
        .as("before creation but inside the window: the first bookmark")
        .isEqualTo(created);
    Reply byTime = restore("timestamp=" + enc(between.toString()));
    assertThat(byTime.status()).isEqualTo(200);
    assertThat(rows()).isEqualTo("[{\"a\":1}]");
    Golden.assertMatches(
        client.get(
            db
                + "/time_travel/bookmark?timestamp="
                + enc(Instant.now().plus(1, ChronoUnit.HOURS).toString())),
        "bookmark-future.json");
    assertThat(
            client
                .get(
                    db
                        + "/time_travel/bookmark?timestamp="
                        + enc(Instant.now().minus(31, ChronoUnit.DAYS).toString()))
                .errorMessage())
        .contains("before the retention window");
    assertThat(client.get(db + "/time_travel/bookmark?timestamp=yesterday").errorMessage())
        .contains("JavaScript date-time");
  }

  @Test
  void badBookmarksAreRefusedSayingWhy() {
    Golden.assertMatches(restore("bookmark=nope"), "bookmark-malformed.json");
    String other =
        databases()
            + "/"
            + client.post(databases(), "{\"name\":\"other\"}").result().get("uuid").asText();
    String foreign = client.get(other + "/time_travel/bookmark").result().get("bookmark").asText();
    assertThat(restore("bookmark=" + foreign).errorMessage())
        .contains("does not belong to this database");
    String ahead = "00000000-00000000-000fffff-" + "0".repeat(32);
    assertThat(restore("bookmark=" + ahead).errorMessage()).contains("does not belong");
    assertThat(restore("").errorMessage()).contains("exactly one of");
    assertThat(restore("bookmark=" + bookmark() + "&timestamp=1").errorMessage())
        .contains("exactly one of");
  }

  /**
   * A text shaped like a bookmark (8-8-8-32 lowercase hex) that names no position of this history
   * is not malformed: it is not this database's. The first two come from D1's docs
   * (https://developers.cloudflare.com/d1/reference/time-travel/, "Bookmarks").
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683 | does not belong",
        "00000080-ffffffff-00004c60-390376cb1c4dd679b74a19d19f5ca5be | does not belong",
        "00000001-00000002-00004e2f-0a83ea2fceebc654de0640c422be4653 | does not belong",
        "00000000-80000000-00000000-00000000000000000000000000000000 | does not belong",
        "00000000-00000000-000fffff-00000000000000000000000000000000 | does not belong",
        "00000000-00000000-00000001-0A83EA2FCEEBC654DE0640C422BE4653 | Invalid bookmark",
        "00000000-00000000-00000001 | Invalid bookmark",
        "nope | Invalid bookmark",
      })
  void aWellFormedBookmarkOfAnotherHistoryIsNotMalformed(String bookmark, String text) {
    Reply r = restore("bookmark=" + bookmark);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).startsWith(text.equals("does not belong") ? "Bookmark " : text);
    assertThat(r.errorMessage()).contains(text);
  }

  @Test
  void restoresAreRateLimitedAndRefusalsDoNotCount() {
    run("CREATE TABLE t(a)");
    String b = bookmark();
    for (int i = 0; i < 3; i++) {
      assertThat(restore("bookmark=nope").status()).isEqualTo(400);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(restore("bookmark=" + b).status()).isEqualTo(200);
    }
    Reply limited = restore("bookmark=" + b);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorMessage()).contains("Too many restores");
  }

  @Test
  void readTokensReadBookmarksButDoNotRestore() {
    D1Client reader = server.readOnlyClient();
    String b = reader.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
    Reply r = reader.send("POST", db + "/time_travel/restore?bookmark=" + b, null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo(10000);
  }

  @Test
  void bookmarksAndContentSurviveARestart() throws Exception {
    run("CREATE TABLE t(a); INSERT INTO t VALUES (1)");
    String one = bookmark();
    run("INSERT INTO t VALUES (2)");
    String two = bookmark();
    server.close();
    server = TestServer.start(dir, Map.of());
    client = server.client();
    assertThat(bookmark()).isEqualTo(two);
    assertThat(rows()).isEqualTo("[{\"a\":1},{\"a\":2}]");
    assertThat(restore("bookmark=" + one).status()).isEqualTo(200);
    assertThat(rows()).isEqualTo("[{\"a\":1}]");
    JsonNode after = client.get(db + "/time_travel/bookmark").result();
    assertThat(after.get("bookmark").asText()).isGreaterThan(two);
  }
}
