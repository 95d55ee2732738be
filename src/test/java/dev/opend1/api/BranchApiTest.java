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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating a database as a branch of another at a bookmark or a time (an opend1 extension). */
class BranchApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String source;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    source = path(create("{\"name\":\"source\"}"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** Creates a database (or a branch) and answers its UUID. */
  private String create(String body) {
    Reply r = client.post(databases(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().get("uuid").asText();
  }

  private static String path(String uuid) {
    return databases() + "/" + uuid;
  }

  private static String branchBody(String name, String from, String at) {
    return "{\"name\":\"" + name + "\",\"from\":{\"database\":\"" + from + "\"," + at + "}}";
  }

  private static String bookmarkField(String bookmark) {
    return "\"bookmark\":\"" + bookmark + "\"";
  }

  private String bookmark(String db) {
    return client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  private void run(String db, String statements) {
    Reply r = client.post(db + "/query", sql(statements));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private String rows(String db, String query) {
    Reply r = client.post(db + "/query", sql(query));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().at("/0/results").toString();
  }

  /**
   * A hash of a database's schema and every row of every table, read live ({@code db}) or as of a
   * bookmark ({@code db?bookmark=B}): two states with the same hash hold the same content.
   */
  static String contentHash(D1Client client, String dbAndQuery) throws Exception {
    int q = dbAndQuery.indexOf('?');
    return q < 0
        ? RandomHistory.hash(client, dbAndQuery, "")
        : RandomHistory.hash(client, dbAndQuery.substring(0, q), dbAndQuery.substring(q));
  }

  @Test
  void aBranchHoldsTheStateAtTheBookmarkThenBothGoTheirOwnWay() throws Exception {
    run(source, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
    run(source, "INSERT INTO t(b) VALUES ('one'), ('two'); CREATE INDEX tb ON t(b)");
    String at = bookmark(source);
    run(source, "UPDATE t SET b = 'changed'; CREATE TABLE later(x); INSERT INTO t(b) VALUES ('3')");
    String sourceNow = contentHash(client, source);

    Instant beforeBranch = Instant.now();
    String branch = path(create(branchBody("branch", "source", bookmarkField(at))));

    assertThat(contentHash(client, branch))
        .as("the branch equals the as-of read at the bookmark")
        .isEqualTo(contentHash(client, source + "?bookmark=" + at))
        .isNotEqualTo(sourceNow);
    assertThat(contentHash(client, source)).as("the source is untouched").isEqualTo(sourceNow);
    assertThat(bookmark(source)).as("branching is not a commit of the source").isNotEqualTo(at);

    run(branch, "INSERT INTO t(b) VALUES ('branch only')");
    run(source, "INSERT INTO t(b) VALUES ('source only')");
    assertThat(rows(branch, "SELECT b FROM t ORDER BY a"))
        .isEqualTo("[{\"b\":\"one\"},{\"b\":\"two\"},{\"b\":\"branch only\"}]");
    assertThat(rows(source, "SELECT b FROM t WHERE b LIKE '%only'"))
        .isEqualTo("[{\"b\":\"source only\"}]");

    Reply commits = client.get(branch + "/time_travel/commits");
    assertThat(commits.status()).as(commits.body()).isEqualTo(200);
    assertThat(commits.result()).as("its first state, then one insert").hasSize(2);
    for (JsonNode c : commits.result()) {
      assertThat(Instant.parse(c.get("timestamp").asText()))
          .as("the branch's history starts at its creation: " + commits.body())
          .isAfterOrEqualTo(beforeBranch.minusMillis(1));
    }
    Reply foreign = client.post(branch + "/query?bookmark=" + at, sql("SELECT 1"));
    assertThat(foreign.status()).as(foreign.body()).isEqualTo(400);
    assertThat(foreign.errorMessage()).contains("does not belong to this database's history");

    String first = bookmark(branch);
    run(branch, "DELETE FROM t");
    Reply restored = client.post(branch + "/time_travel/restore?bookmark=" + first, null);
    assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    assertThat(rows(branch, "SELECT count(*) AS n FROM t")).isEqualTo("[{\"n\":3}]");
  }

  @Test
  void aBranchAtATimeAndABranchOfABranch() throws Exception {
    run(source, "CREATE TABLE t(a)");
    run(source, "INSERT INTO t VALUES (1)");
    Thread.sleep(5);
    String time = Instant.now().toString();
    Thread.sleep(5);
    run(source, "INSERT INTO t VALUES (2)");

    String atTime =
        path(
            create(
                branchBody(
                    "at-time",
                    source.substring(source.lastIndexOf('/') + 1),
                    "\"timestamp\":\"" + time + "\"")));
    assertThat(rows(atTime, "SELECT a FROM t")).isEqualTo("[{\"a\":1}]");
    run(atTime, "INSERT INTO t VALUES (10)");
    String mark = bookmark(atTime);
    run(atTime, "INSERT INTO t VALUES (11)");

    String grandchild = path(create(branchBody("grandchild", "at-time", bookmarkField(mark))));
    assertThat(contentHash(client, grandchild))
        .isEqualTo(contentHash(client, atTime + "?bookmark=" + mark));
    assertThat(rows(grandchild, "SELECT a FROM t ORDER BY a")).isEqualTo("[{\"a\":1},{\"a\":10}]");
    Reply get = client.get(grandchild);
    assertThat(get.result().get("name").asText()).isEqualTo("grandchild");
  }

  @Test
  void refusalsAnswerInD1sEnvelopeAndCreateNothing() {
    run(source, "CREATE TABLE t(a)");
    String at = bookmark(source);
    String other = "/client/v4/accounts/" + server.otherAccount() + "/d1/database";
    D1Client otherClient = server.otherAccountClient();
    Reply theirs = otherClient.post(other, "{\"name\":\"theirs\"}");
    assertThat(theirs.status()).as(theirs.body()).isEqualTo(200);
    String theirId = theirs.result().get("uuid").asText();
    String theirBookmark =
        otherClient
            .get(other + "/" + theirId + "/time_travel/bookmark")
            .result()
            .get("bookmark")
            .asText();

    Map<String, Integer> refused =
        Map.ofEntries(
            Map.entry(branchBody("b", "missing", bookmarkField(at)), 7404),
            Map.entry(branchBody("b", theirId, bookmarkField(theirBookmark)), 7404),
            Map.entry(branchBody("b", "source", "\"x\":1"), 7400),
            Map.entry("{\"name\":\"b\",\"from\":{\"database\":\"source\"}}", 7400),
            Map.entry(branchBody("b", "source", bookmarkField(at) + ",\"timestamp\":\"1\""), 7400),
            Map.entry(branchBody("b", "source", bookmarkField(at) + ",\"extra\":true"), 7400),
            Map.entry("{\"name\":\"b\",\"from\":{\"bookmark\":\"" + at + "\"}}", 7400),
            Map.entry("{\"name\":\"b\",\"from\":\"source\"}", 7400),
            Map.entry(branchBody("b", "source", "\"bookmark\":7"), 7400));
    refused.forEach(
        (body, code) -> {
          Reply r = client.post(databases(), body);
          assertThat(r.errorCode()).as(body + " -> " + r.body()).isEqualTo(code);
          assertThat(r.status()).as(body).isEqualTo(code == 7404 ? 404 : 400);
          assertThat(r.json().get("success").asBoolean()).isFalse();
        });

    for (String bad :
        List.of(
            "not-a-bookmark",
            "00000001-00000000-00000000-00000000000000000000000000000000",
            theirBookmark)) {
      Reply restore =
          client.post(
              source
                  + "/time_travel/restore?bookmark="
                  + URLEncoder.encode(bad, StandardCharsets.UTF_8),
              null);
      Reply branch = client.post(databases(), branchBody("b", "source", bookmarkField(bad)));
      assertThat(branch.status()).as(branch.body()).isEqualTo(restore.status()).isEqualTo(400);
      assertThat(branch.errorCode()).isEqualTo(restore.errorCode());
      assertThat(branch.errorMessage()).isEqualTo(restore.errorMessage());
    }
    for (String bad : List.of("yesterday-ish", "2999-01-01T00:00:00Z", "1000")) {
      Reply restore =
          client.post(
              source
                  + "/time_travel/restore?timestamp="
                  + URLEncoder.encode(bad, StandardCharsets.UTF_8),
              null);
      Reply branch =
          client.post(databases(), branchBody("b", "source", "\"timestamp\":\"" + bad + "\""));
      assertThat(branch.status()).as(branch.body()).isEqualTo(restore.status()).isEqualTo(400);
      assertThat(branch.errorMessage()).isEqualTo(restore.errorMessage());
    }

    Reply list = client.get(databases());
    assertThat(list.result()).as("nothing was created").hasSize(1);
    assertThat(client.post(databases(), "{\"name\":\"b\"}").status())
        .as("the name was never taken")
        .isEqualTo(200);
  }

  @Test
  void aBranchCountsAgainstTheDatabaseLimit() throws Exception {
    server.close();
    server = TestServer.start(dir.resolve("limited"), Map.of("max-databases-per-account", "2"));
    client = server.client();
    source = path(create("{\"name\":\"source\"}"));
    run(source, "CREATE TABLE t(a)");
    String at = bookmark(source);
    path(create(branchBody("one", "source", bookmarkField(at))));

    Reply full = client.post(databases(), branchBody("two", "source", bookmarkField(at)));
    Reply plain = client.post(databases(), "{\"name\":\"two\"}");
    assertThat(full.status()).as(full.body()).isEqualTo(plain.status()).isEqualTo(400);
    assertThat(full.errorCode()).isEqualTo(plain.errorCode());
    assertThat(full.errorMessage()).isEqualTo(plain.errorMessage());
  }
}
