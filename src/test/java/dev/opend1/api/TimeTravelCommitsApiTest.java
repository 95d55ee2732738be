package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET .../time_travel/commits}: opend1's list of a database's commits, over HTTP. */
class TimeTravelCommitsApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String db;

  /** The bookmark after the database was created, then after each of five writes. */
  final List<String> made = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    db =
        databases()
            + "/"
            + client.post(databases(), "{\"name\":\"tt\"}").result().get("uuid").asText();
    made.add(bookmark());
    run("CREATE TABLE t(a)");
    made.add(bookmark());
    for (int i = 0; i < 4; i++) {
      run("INSERT INTO t VALUES (" + i + ")");
      made.add(bookmark());
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String bookmark() {
    return client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  private void run(String statement) {
    Reply r = client.post(db + "/query", sql(statement));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Reply commits(String query) {
    return client.get(db + "/time_travel/commits" + (query.isEmpty() ? "" : "?" + query));
  }

  private static List<String> bookmarks(Reply r) {
    List<String> out = new ArrayList<>();
    r.result().forEach(c -> out.add(c.get("bookmark").asText()));
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void everyCommitNewestFirstWithItsTime() {
    Reply r = commits("");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("success").asBoolean()).isTrue();
    assertThat(bookmarks(r)).startsWith(made.reversed().toArray(String[]::new));
    assertThat(bookmarks(r)).isSortedAccordingTo((a, b) -> b.compareTo(a)).doesNotHaveDuplicates();
    Instant previous = Instant.MAX;
    for (JsonNode c : r.result()) {
      Instant t = Instant.parse(c.get("timestamp").asText());
      assertThat(t).isBeforeOrEqualTo(previous).isBeforeOrEqualTo(Instant.now());
      previous = t;
    }
    JsonNode info = r.json().get("result_info");
    assertThat(info.get("count").asInt()).isEqualTo(r.result().size());
    assertThat(info.get("per_page").asInt()).isEqualTo(TimeTravelRoutes.DEFAULT_COMMITS);
    assertThat(info.has("cursor")).as("no page follows").isFalse();
  }

  @Test
  void pagesFollowTheCursorToTheOldestCommit() {
    List<String> all = bookmarks(commits(""));
    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply r = commits("limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.result().size()).isBetween(1, 2);
      paged.addAll(bookmarks(r));
      JsonNode next = r.json().get("result_info").get("cursor");
      cursor = next == null ? null : next.asText();
      if (cursor != null) {
        assertThat(cursor).isEqualTo(paged.getLast());
      }
      pages++;
    } while (cursor != null);
    assertThat(paged).isEqualTo(all);
    assertThat(pages).isEqualTo((all.size() + 1) / 2);
  }

  @Test
  void sinceAndUntilBoundTheCommitsByTime() {
    List<JsonNode> all = new ArrayList<>();
    commits("").result().forEach(all::add);
    JsonNode middle = all.get(2);
    String at = middle.get("timestamp").asText();

    Reply until = commits("until=" + enc(at));
    assertThat(bookmarks(until).getFirst()).isEqualTo(middle.get("bookmark").asText());
    for (JsonNode c : until.result()) {
      assertThat(c.get("timestamp").asText()).isLessThanOrEqualTo(at);
    }
    Reply since = commits("since=" + enc(at));
    assertThat(bookmarks(since)).contains(middle.get("bookmark").asText());
    for (JsonNode c : since.result()) {
      assertThat(Instant.parse(c.get("timestamp").asText())).isAfterOrEqualTo(Instant.parse(at));
    }
    assertThat(bookmarks(since).size() + bookmarks(until).size()).isGreaterThan(all.size());
    assertThat(commits("since=" + enc(at) + "&until=" + enc(at)).result())
        .extracting(c -> c.get("timestamp").asText())
        .containsOnly(at);
    assertThat(commits("until=2001-01-01T00:00:00Z").result()).isEmpty();
  }

  @Test
  void anotherAccountsDatabaseIsNotFound() {
    Reply r = server.otherAccountClient().get(db + "/time_travel/commits");
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo(7403);
    String theirs =
        "/client/v4/accounts/"
            + server.otherAccount()
            + "/d1/database/"
            + db.substring(db.lastIndexOf('/') + 1)
            + "/time_travel/commits";
    Reply other = server.otherAccountClient().get(theirs);
    assertThat(other.status()).as(other.body()).isEqualTo(404);
    assertThat(other.errorCode()).isEqualTo(7404);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "limit=0|Invalid limit '0'",
        "limit=1001|Invalid limit '1001'",
        "limit=ten|Invalid limit 'ten'",
        "since=yesterday|Invalid timestamp 'yesterday'",
        "until=2026-13-01|Invalid timestamp '2026-13-01'",
        "since=2026-01-02&until=2026-01-01|Invalid range: since (2026-01-02) is after until",
        "cursor=abc|Invalid bookmark 'abc'",
        "cursor=00000000-00000000-00000002-00000000000000000000000000000000|does not belong",
        "cursor=00000000-00000000-0000ffff-00000000000000000000000000000000|does not belong"
      })
  void badParametersAreD1Errors(String query, String message) {
    Reply r = commits(query);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7400);
    assertThat(r.errorMessage()).contains(message);
  }
}
