package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.cluster.Lease;
import dev.opend1.cluster.LeaseRouting;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.NodeId;
import dev.opend1.cluster.NodeStatus;
import dev.opend1.cluster.PostgresLeases;
import dev.opend1.cluster.PostgresNodes;
import dev.opend1.core.DatabaseId;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.ExportDriver;
import dev.opend1.testing.ImportDriver;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding between two members of a cluster in this JVM, on a real PostgreSQL and s3proxy: a
 * database lives on node B and its lease is B's (taken here directly, as serving does not take
 * leases yet), and every route sent to node A is answered by B, as B answers it. Node A has none of
 * the database's files, so an answer through A that is not an error came from B.
 */
class ForwardingTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @TempDir static Path dir;

  private static final Duration LEASE = Duration.ofMinutes(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static S3Proxy s3;
  private static InJvmNode a;
  private static InJvmNode b;
  private static PostgresLeases leases;
  private static PostgresNodes nodes;

  @BeforeAll
  static void startTwoMembers() throws Exception {
    s3 = S3Proxy.start(dir.resolve("s3"));
    String catalog = PG.server().catalogUrl(PG.fresh());
    a = InJvmNode.member(dir.resolve("a"), catalog, s3, Map.of());
    b = InJvmNode.member(dir.resolve("b"), catalog, s3, Map.of());
    DataSource shared = a.catalog().sharedDatabase().orElseThrow();
    leases = new PostgresLeases(shared);
    nodes = new PostgresNodes(shared);
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    s3.close();
  }

  @Test
  void everyRouteSentToANonOwnerIsAnsweredByTheOwner() throws Exception {
    String db = InJvmNode.databases() + "/" + onB("forwarded");
    D1Client viaA = a.client();
    D1Client onB = b.client();

    D1Client.Reply made =
        viaA.post(
            db + "/query",
            "{\"sql\":\"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                + " INSERT INTO t(v) VALUES ('one'), ('two')\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(200);
    assertThat(made.contentType())
        .isEqualTo(onB.post(db + "/query", "{\"sql\":\"SELECT 1\"}").contentType());

    D1Client.Reply query = viaA.post(db + "/query", "{\"sql\":\"SELECT v FROM t ORDER BY id\"}");
    assertThat(query.status()).as(query.body()).isEqualTo(200);
    assertThat(query.result().get(0).get("results").toString())
        .isEqualTo("[{\"v\":\"one\"},{\"v\":\"two\"}]");
    D1Client.Reply raw = viaA.post(db + "/raw", "{\"sql\":\"SELECT v FROM t ORDER BY id\"}");
    assertThat(raw.result().get(0).get("results").get("rows").toString())
        .isEqualTo("[[\"one\"],[\"two\"]]");

    // An error is the owner's too, in D1's envelope.
    D1Client.Reply bad = viaA.post(db + "/query", "{\"sql\":\"SELECT * FROM missing\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json())
        .isEqualTo(onB.post(db + "/query", "{\"sql\":\"SELECT * FROM missing\"}").json());
    assertThat(bad.errorMessage()).contains("no such table: missing");

    // The database's own routes: the same bytes as asked of B itself.
    D1Client.Reply got = viaA.get(db);
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(onB.get(db).json());
    D1Client.Reply patched = viaA.patch(db, "{\"read_replication\":{\"mode\":\"auto\"}}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(onB.get(db).result().path("read_replication").path("mode").asText())
        .isEqualTo("auto");

    // Time travel.
    D1Client.Reply bookmark = viaA.get(db + "/time_travel/bookmark");
    assertThat(bookmark.status()).as(bookmark.body()).isEqualTo(200);
    assertThat(bookmark.json()).isEqualTo(onB.get(db + "/time_travel/bookmark").json());
    D1Client.Reply commits = viaA.get(db + "/time_travel/commits");
    assertThat(commits.status()).as(commits.body()).isEqualTo(200);
    assertThat(commits.json()).isEqualTo(onB.get(db + "/time_travel/commits").json());

    // Import through A: its upload URL is A's, and A sends the upload on to B.
    JsonNode imported =
        ImportDriver.run(viaA, db, "INSERT INTO t(v) VALUES ('three');", this::mustBeA);
    assertThat(imported.get("status").asText()).as(imported.toString()).isEqualTo("complete");

    // Export through A: the signed URL is A's, and A fetches the file from B.
    String dump = exportThrough(viaA, db);
    assertThat(dump).contains("CREATE TABLE t(").contains("'three'");

    D1Client.Reply deleted = viaA.delete(db);
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(onB.get(db).status()).isEqualTo(404);
  }

  @Test
  void aDatabaseNamedByItsNameIsForwardedAndTheForwardingNodeTakesNothing() throws Exception {
    String uuid = onB("named-on-b");
    String db = InJvmNode.databases() + "/named-on-b";
    D1Client.Reply got = a.client().get(db);
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    assertThat(got.result().path("uuid").asText()).isEqualTo(uuid);
    D1Client.Reply query = a.client().post(db + "/query", "{\"sql\":\"SELECT 1 AS one\"}");
    assertThat(query.status()).as(query.body()).isEqualTo(200);
    assertThat(leases.owner(new DatabaseId(UUID.fromString(uuid))).map(Lease::owner))
        .contains(b.id());
    assertThat(a.client().get(InJvmNode.databases() + "/no-such-name").status()).isEqualTo(404);
  }

  /**
   * The queries B ran are in its memory until its next flush, a minute away: a GraphQL query
   * through A asks B to flush first, so it counts them all. The flush route takes only members.
   */
  @Test
  void analyticsThroughANonOwnerCountEveryQueryTheOwnerRan() throws Exception {
    String uuid = onB("counted-on-b");
    String db = InJvmNode.databases() + "/" + uuid;
    assertThat(a.client().post(db + "/query", "{\"sql\":\"CREATE TABLE t(x)\"}").status())
        .isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(a.client().post(db + "/query", "{\"sql\":\"SELECT * FROM t\"}").status())
          .isEqualTo(200);
    }
    com.fasterxml.jackson.databind.node.ObjectNode body = D1Client.JSON.createObjectNode();
    body.put("query", dev.opend1.testing.WranglerGraphql.INFO);
    body.put("operationName", "getD1MetricsOverviewQuery");
    com.fasterxml.jackson.databind.node.ObjectNode variables = body.putObject("variables");
    variables.put("accountTag", InJvmNode.ACCOUNT);
    com.fasterxml.jackson.databind.node.ObjectNode and =
        variables.putObject("filter").putArray("AND").addObject();
    java.time.Instant now = java.time.Instant.now();
    and.put("datetimeHour_geq", now.minus(java.time.Duration.ofDays(1)).toString());
    and.put("datetimeHour_leq", now.plus(java.time.Duration.ofHours(1)).toString());
    and.put("databaseId", uuid);
    D1Client.Reply answer = a.client().post("/client/v4/graphql", body.toString());
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    long reads = 0;
    long writes = 0;
    for (JsonNode row : answer.json().at("/data/viewer/accounts/0/d1AnalyticsAdaptiveGroups")) {
      reads += row.at("/sum/readQueries").asLong();
      writes += row.at("/sum/writeQueries").asLong();
    }
    assertThat(reads).as(answer.body()).isEqualTo(3);
    assertThat(writes).as(answer.body()).isEqualTo(1);

    HttpRequest unsigned =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + b.port() + "/_opend1/cluster/analytics/flush"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    assertThat(b.client().send(unsigned).status()).isEqualTo(401);
  }

  @Test
  void aLargeResultStreamsThroughTheForwardingNode() throws Exception {
    String db = InJvmNode.databases() + "/" + onB("large");
    // About 11 MB of JSON: 20,000 rows of 500 digits.
    String body =
        "{\"sql\":\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
            + " 20000) SELECT x, printf('%0500d', x) AS pad FROM c\"}";
    HttpResponse<InputStream> viaA = post(a, db + "/raw", body, "forwarded-large-1");
    HttpResponse<InputStream> direct = post(b, db + "/raw", body, "direct-large-1");
    assertThat(viaA.statusCode()).isEqualTo(200);
    // Streamed as it came: no length known up front, sent in chunks, as B sends it.
    assertThat(viaA.headers().firstValue("content-length")).isEmpty();
    assertThat(direct.headers().firstValue("content-length")).isEmpty();
    assertThat(viaA.headers().firstValue("content-type"))
        .isEqualTo(direct.headers().firstValue("content-type"));
    // One of each header the two nodes would both set: the forwarding node's request id (which
    // the owner took as its own), one date, one content type.
    assertThat(viaA.headers().allValues("x-request-id")).containsExactly("forwarded-large-1");
    assertThat(viaA.headers().allValues("date")).hasSize(1);
    assertThat(viaA.headers().allValues("content-type")).hasSize(1);
    JsonNode forwarded = D1Client.JSON.readTree(viaA.body());
    JsonNode own = D1Client.JSON.readTree(direct.body());
    JsonNode rows = forwarded.path("result").path(0).path("results").path("rows");
    assertThat(rows.size()).isEqualTo(20_000);
    assertThat(rows.get(19_999).get(1).asText()).hasSize(500).endsWith("20000");
    assertThat(rows).isEqualTo(own.path("result").path(0).path("results").path("rows"));
  }

  @Test
  void aForwardedRequestWithoutTheSecretIsRefused() throws Exception {
    String db = InJvmNode.databases() + "/" + onB("guarded");
    for (String secret : new String[] {null, "", "not-the-secret", InJvmNode.SECRET + "x"}) {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + db + "/query"))
              .header("Authorization", "Bearer " + InJvmNode.TOKEN)
              .header("x-opend1-forwarded", "1")
              .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"));
      if (secret != null) {
        r.header("x-opend1-cluster-secret", secret);
      }
      D1Client.Reply refused = a.client().send(r.build());
      assertThat(refused.status()).as(secret + ": " + refused.body()).isEqualTo(401);
      assertThat(refused.errorCode()).isEqualTo(10000);
      assertThat(refused.errorMessage()).contains("cluster's secret");
    }
    // The signed URLs and the create check it too.
    HttpRequest create =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + InJvmNode.databases()))
            .header("Authorization", "Bearer " + InJvmNode.TOKEN)
            .header("x-opend1-forwarded", "1")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"sneaked\"}"))
            .build();
    assertThat(b.client().send(create).status()).isEqualTo(401);
    HttpRequest download =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + a.port() + "/client/v4/_transfer/exports/x.sql"))
            .header("x-opend1-forwarded", "1")
            .build();
    assertThat(a.client().send(download).status()).isEqualTo(401);
  }

  @Test
  void aForwardedRequestIsNeverForwardedAgain() throws Exception {
    // A receives, marked as forwarded, a request for B's database: it is refused, retryably, and
    // not sent on to B.
    String db = InJvmNode.databases() + "/" + onB("one-hop");
    HttpRequest marked =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + db + "/query"))
            .header("Authorization", "Bearer " + InJvmNode.TOKEN)
            .header("x-opend1-forwarded", "1")
            .header("x-opend1-cluster-secret", InJvmNode.SECRET)
            .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"))
            .build();
    D1Client.Reply refused = a.client().send(marked);
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.errorCode()).isEqualTo(7500);
    assertThat(refused.errorMessage())
        .contains("forwarded to this node, but node " + b.id() + " owns database")
        .contains("retry");
  }

  @Test
  void anOwnerThatCannotBeReachedIsARetryable503() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    NodeId gone = new NodeId("gone-node");
    nodes.heartbeat(gone, URI.create("http://127.0.0.1:" + closed), "test");
    // Draining, so no other test's create is placed on it.
    nodes.drain(gone);
    DatabaseId id = DatabaseId.random();
    assertThat(leases.acquire(id, gone, LEASE)).isPresent();
    // Node A reads the live nodes again for an owner missing from its list only once the list is
    // a tenth of LeaseRouting.FRESH old: a list read by the test before this one, a few ms ago,
    // would not hold the node registered just now, and A would answer "not heard from" instead.
    Thread.sleep(LeaseRouting.FRESH.toMillis() / 10 + 20);
    D1Client.Reply r =
        a.client().post(InJvmNode.databases() + "/" + id + "/query", "{\"sql\":\"SELECT 1\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage())
        .contains("node gone-node, which owns the database, cannot be reached at")
        .contains("retry");

    // An owner PostgreSQL has not heard from within the liveness timeout: not tried at all.
    NodeId silent = new NodeId("silent-node");
    nodes.heartbeat(silent, URI.create("http://127.0.0.1:" + closed), "test");
    DatabaseId quiet = DatabaseId.random();
    assertThat(leases.acquire(quiet, silent, LEASE)).isPresent();
    try (var c = a.catalog().sharedDatabase().orElseThrow().getConnection();
        var st = c.createStatement()) {
      st.executeUpdate(
          "UPDATE nodes SET heartbeat_at = now() - interval '1 hour' WHERE id = 'silent-node'");
    }
    D1Client.Reply silentOwner =
        a.client().post(InJvmNode.databases() + "/" + quiet + "/raw", "{\"sql\":\"SELECT 1\"}");
    assertThat(silentOwner.status()).as(silentOwner.body()).isEqualTo(503);
    assertThat(silentOwner.errorMessage())
        .contains("owned by node silent-node, which has not been heard from");
  }

  @Test
  void aCreateIsMadeOnTheLeastLoadedNode() throws Exception {
    // Load A with more leases than B holds, so B is the least-loaded live node.
    int onA = 0;
    int onB = 0;
    for (NodeStatus n : nodes.status(Membership.LIVENESS)) {
      if (n.node().id().equals(a.id())) {
        onA = n.databases();
      } else if (n.node().id().equals(b.id())) {
        onB = n.databases();
      }
    }
    for (int i = onA; i <= onB; i++) {
      assertThat(leases.acquire(DatabaseId.random(), a.id(), LEASE)).isPresent();
    }
    D1Client.Reply made = a.client().post(InJvmNode.databases(), "{\"name\":\"placed\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(200);
    String db = InJvmNode.databases() + "/" + made.result().path("uuid").asText();
    // It was made on B, which took its lease; A forwards its requests there.
    assertThat(
            leases
                .owner(new DatabaseId(UUID.fromString(made.result().path("uuid").asText())))
                .map(Lease::owner))
        .contains(b.id());
    assertThat(b.client().post(db + "/query", "{\"sql\":\"SELECT 1\"}").status()).isEqualTo(200);
    assertThat(a.client().post(db + "/query", "{\"sql\":\"SELECT 1\"}").status()).isEqualTo(200);
  }

  /**
   * A branch needs its source's history, which is on the source's owner: a branch made through A of
   * a database B owns is made on B, even when placement would pick A for a new database.
   */
  @Test
  void aBranchIsMadeOnItsSourcesOwner() throws Exception {
    String source = onB("branch-source");
    String db = InJvmNode.databases() + "/" + source;
    D1Client.Reply made =
        a.client()
            .post(
                db + "/query",
                "{\"sql\":\"CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('kept')\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(200);
    String bookmark =
        a.client().get(db + "/time_travel/bookmark").result().path("bookmark").asText();
    assertThat(a.client().post(db + "/query", "{\"sql\":\"DELETE FROM t\"}").status())
        .isEqualTo(200);
    // Load B with more leases than A holds, so A is the least-loaded live node.
    int onA = 0;
    int onB = 0;
    for (NodeStatus n : nodes.status(Membership.LIVENESS)) {
      if (n.node().id().equals(a.id())) {
        onA = n.databases();
      } else if (n.node().id().equals(b.id())) {
        onB = n.databases();
      }
    }
    for (int i = onB; i <= onA; i++) {
      assertThat(leases.acquire(DatabaseId.random(), b.id(), LEASE)).isPresent();
    }

    D1Client.Reply branch =
        a.client()
            .post(
                InJvmNode.databases(),
                "{\"name\":\"branched\",\"from\":{\"database\":\"branch-source\",\"bookmark\":\""
                    + bookmark
                    + "\"}}");
    assertThat(branch.status()).as(branch.body()).isEqualTo(200);
    String uuid = branch.result().path("uuid").asText();
    assertThat(leases.owner(new DatabaseId(UUID.fromString(uuid))).map(Lease::owner))
        .contains(b.id());
    D1Client.Reply rows =
        a.client()
            .post(InJvmNode.databases() + "/" + uuid + "/raw", "{\"sql\":\"SELECT v FROM t\"}");
    assertThat(rows.status()).as(rows.body()).isEqualTo(200);
    assertThat(rows.result().get(0).path("results").path("rows").toString())
        .isEqualTo("[[\"kept\"]]");

    // A plain create through A after it is still placed, its body read ahead and made on A.
    D1Client.Reply plain = a.client().post(InJvmNode.databases(), "{\"name\":\"placed-on-a\"}");
    assertThat(plain.status()).as(plain.body()).isEqualTo(200);
    assertThat(
            leases
                .owner(new DatabaseId(UUID.fromString(plain.result().path("uuid").asText())))
                .map(Lease::owner))
        .contains(a.id());
  }

  private static HttpResponse<InputStream> post(
      InJvmNode node, String path, String body, String requestId) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
            .header("Authorization", "Bearer " + InJvmNode.TOKEN)
            .header("x-request-id", requestId)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private String mustBeA(String url) {
    assertThat(url).startsWith("http://127.0.0.1:" + a.port() + "/");
    return url;
  }

  private String exportThrough(D1Client client, String db) throws Exception {
    JsonNode r = ExportDriver.run(client, db);
    assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("complete");
    String url = mustBeA(r.get("result").get("signed_url").asText());
    HttpResponse<String> file =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> direct =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(url.replace(":" + a.port() + "/", ":" + b.port() + "/")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
    for (String header : new String[] {"content-type", "content-disposition", "content-length"}) {
      assertThat(file.headers().allValues(header))
          .as(header)
          .isNotEmpty()
          .isEqualTo(direct.headers().allValues(header));
    }
    assertThat(file.body()).isEqualTo(direct.body());
    return file.body();
  }

  /** Creates a database on B (a create marked as forwarded is made where it arrives), B's lease. */
  private static String onB(String name) {
    String uuid = b.createHere(name);
    // B took the database's lease when it made it, as every member does.
    assertThat(leases.owner(new DatabaseId(UUID.fromString(uuid))).map(Lease::owner))
        .contains(b.id());
    return uuid;
  }
}
