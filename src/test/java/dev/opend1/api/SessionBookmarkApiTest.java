package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * D1's Sessions API over REST on the node that writes the database: every {@code /query} and {@code
 * /raw} answer carries {@code x-d1-bookmark}, the state it reflects, and a request may send the
 * bookmark it last saw.
 */
class SessionBookmarkApiTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String db;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    db = create("sessions");
    query("/query", "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)", null);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String create(String name) {
    return databases()
        + "/"
        + client.post(databases(), "{\"name\":\"" + name + "\"}").result().get("uuid").asText();
  }

  /** An answer to {@code /query} or {@code /raw}, with its {@code x-d1-bookmark}. */
  record Answer(int status, String bookmark, JsonNode json) {
    int errorCode() {
      return json.path("errors").path(0).path("code").asInt(-1);
    }

    String errorMessage() {
      return json.path("errors").path(0).path("message").asText();
    }
  }

  /** A request with {@code x-d1-bookmark: lastSeen} when not null. */
  private Answer query(String route, String statements, String lastSeen) {
    return send(db + route, statements, lastSeen);
  }

  private Answer send(String path, String statements, String lastSeen) {
    return send(client, path, statements, lastSeen);
  }

  /** Sends {@code statements} to {@code path} as {@code client}, with {@code lastSeen} if any. */
  static Answer send(D1Client client, String path, String statements, String lastSeen) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(client.uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(sql(statements)));
    client.headers().forEach(b::header);
    if (lastSeen != null) {
      b.header("x-d1-bookmark", lastSeen);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(),
          r.headers().firstValue("x-d1-bookmark").orElse(null),
          D1Client.JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String bookmarkNow(String database) {
    return client.get(database + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  @Test
  void aWriteAnswersTheBookmarkOfTheStateAfterIt() {
    String before = bookmarkNow(db);
    Answer w = query("/query", "INSERT INTO t (b) VALUES ('x')", null);
    assertThat(w.status()).isEqualTo(200);
    assertThat(w.bookmark()).isGreaterThan(before).isEqualTo(bookmarkNow(db));

    Answer raw = query("/raw", "INSERT INTO t (b) VALUES ('y')", null);
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.bookmark()).isGreaterThan(w.bookmark()).isEqualTo(bookmarkNow(db));
  }

  @Test
  void aReadAnswersTheBookmarkOfTheStateItSaw() {
    Answer w = query("/query", "INSERT INTO t (b) VALUES ('x')", null);
    Answer r = query("/query", "SELECT count(*) AS n FROM t", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bookmark()).isEqualTo(w.bookmark());
    Answer raw = query("/raw", "SELECT b FROM t", null);
    assertThat(raw.bookmark()).isEqualTo(w.bookmark());
  }

  @Test
  void aStreamedReadCarriesTheBookmarkInItsHeaders() {
    // Past the first buffer (64 KB) the answer streams: the header goes out before its rows end.
    query(
        "/query",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
            + " INSERT INTO t (b) SELECT printf('%0100d', i) FROM n",
        null);
    String now = bookmarkNow(db);
    Answer r = query("/query", "SELECT * FROM t", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("result").path(0).path("results").size()).isEqualTo(2000);
    assertThat(r.bookmark()).isEqualTo(now);
  }

  @Test
  void aReadAsOfABookmarkAnswersThatBookmark() {
    Answer first = query("/query", "INSERT INTO t (b) VALUES ('x')", null);
    query("/query", "INSERT INTO t (b) VALUES ('y')", null);
    String path =
        db + "/query?bookmark=" + URLEncoder.encode(first.bookmark(), StandardCharsets.UTF_8);
    Answer past = send(path, "SELECT count(*) AS n FROM t", null);
    assertThat(past.status()).isEqualTo(200);
    assertThat(past.bookmark()).isEqualTo(first.bookmark());
    assertThat(past.json().path("result").path(0).path("results").path(0).path("n").asInt())
        .isEqualTo(1);
  }

  @Test
  void theBookmarkLastSeenIsReachedOnTheWritingNode() {
    Answer w = query("/query", "INSERT INTO t (b) VALUES ('x')", null);
    Answer r = query("/query", "SELECT b FROM t", w.bookmark());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("result").path(0).path("results").path(0).path("b").asText())
        .isEqualTo("x");
    assertThat(r.bookmark()).isEqualTo(w.bookmark());
    // An older bookmark of the database, and a write sent with one, are as good.
    String older = bookmarkNow(db);
    assertThat(query("/query", "INSERT INTO t (b) VALUES ('y')", older).status()).isEqualTo(200);
    assertThat(query("/raw", "SELECT 1", older).status()).isEqualTo(200);
  }

  @Test
  void theSessionsFirstRequestWordsAskForNoState() {
    assertThat(query("/query", "SELECT 1", "first-primary").status()).isEqualTo(200);
    assertThat(query("/raw", "SELECT 1", "first-unconstrained").status()).isEqualTo(200);
  }

  @Test
  void aMalformedBookmarkIsRefusedAndNothingRuns() {
    Answer r = query("/query", "INSERT INTO t (b) VALUES ('x')", "not-a-bookmark");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7400);
    assertThat(r.errorMessage()).startsWith("Invalid bookmark 'not-a-bookmark'");
    assertThat(r.bookmark()).isNull();
    Answer count = query("/query", "SELECT count(*) AS n FROM t", null);
    assertThat(count.json().path("result").path(0).path("results").path(0).path("n").asInt())
        .isZero();
  }

  @Test
  void anotherDatabasesBookmarkOrOneAheadIsNotThisDatabases() {
    String other = create("other");
    send(other + "/query", "CREATE TABLE u (a)", null);
    send(other + "/query", "INSERT INTO u VALUES (1)", null);
    String foreign = bookmarkNow(other);
    Answer r = query("/query", "SELECT 1", foreign);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7400);
    assertThat(r.errorMessage())
        .isEqualTo("Bookmark " + foreign + " does not belong to this database's history");

    // Far ahead of this database's newest commit: nothing here will ever reach it.
    String ahead = "00000000-00000000-00100000-" + "ab".repeat(16);
    Answer a = query("/raw", "SELECT 1", ahead);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.errorMessage())
        .isEqualTo("Bookmark " + ahead + " does not belong to this database's history");

    // D1's own bookmarks (a first group other than zeros) name no state of an opend1 database.
    String d1 = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
    assertThat(query("/query", "SELECT 1", d1).errorCode()).isEqualTo(7400);
  }
}
