package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.cluster.Lease;
import dev.opend1.cluster.PostgresLeases;
import dev.opend1.core.DatabaseId;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.ExportDriver;
import dev.opend1.testing.ImportDriver;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding over TLS, between members in this JVM on a real PostgreSQL and s3proxy: nodes A and B
 * serve HTTPS with a self-signed certificate for 127.0.0.1 made by Debian's openssl, advertise
 * {@code https://}, and trust exactly that certificate ({@code --cluster-ca-file}). A database
 * lives on B; every kind of request sent to A is answered by B through TLS, signed URLs included.
 * Node C serves the same certificate but trusts another one: it cannot forward to B, and says so
 * with a retryable 503 that applied nothing.
 */
class ClusterTlsTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @TempDir static Path dir;

  private static S3Proxy s3;
  private static InJvmNode a;
  private static InJvmNode b;
  private static InJvmNode c;
  private static PostgresLeases leases;

  /** A client trusting the nodes' certificate, and no other. */
  private static HttpClient https;

  @BeforeAll
  static void startThreeMembersOverTls() throws Exception {
    Path cert = selfSigned("node");
    Path other = selfSigned("other");
    Map<String, String> tls =
        Map.of(
            "tls-cert", cert.toString(),
            "tls-key", dir.resolve("node.key").toString(),
            "cluster-ca-file", cert.toString());
    Map<String, String> trustsAnother = new java.util.HashMap<>(tls);
    trustsAnother.put("cluster-ca-file", other.toString());
    s3 = S3Proxy.start(dir.resolve("s3"));
    String catalog = PG.server().catalogUrl(PG.fresh());
    a = InJvmNode.member(dir.resolve("a"), catalog, s3, tls);
    b = InJvmNode.member(dir.resolve("b"), catalog, s3, tls);
    c = InJvmNode.member(dir.resolve("c"), catalog, s3, trustsAnother);
    leases = new PostgresLeases(a.catalog().sharedDatabase().orElseThrow());
    https = trusting(cert);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable n : new AutoCloseable[] {a, b, c}) {
      try {
        if (n != null) {
          n.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aNonOwnerForwardsEveryKindOfRequestToTheOwnerOverTls() throws Exception {
    String db = InJvmNode.databases() + "/" + onB("over-tls");
    D1Client viaA = client(a);

    D1Client.Reply made =
        viaA.post(
            db + "/query",
            "{\"sql\":\"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                + " INSERT INTO t(v) VALUES ('one'), ('two')\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(200);
    D1Client.Reply read = viaA.post(db + "/raw", "{\"sql\":\"SELECT v FROM t ORDER BY id\"}");
    assertThat(read.result().get(0).get("results").get("rows").toString())
        .isEqualTo("[[\"one\"],[\"two\"]]");
    // A has none of the database's files: the answer came from B, over TLS.
    assertThat(Files.exists(dir.resolve("a").resolve("databases"))).isFalse();
    D1Client.Reply bookmark = viaA.get(db + "/time_travel/bookmark");
    assertThat(bookmark.status()).as(bookmark.body()).isEqualTo(200);
    assertThat(bookmark.json()).isEqualTo(client(b).get(db + "/time_travel/bookmark").json());

    // A result of about 2 MB streams through both TLS connections whole.
    D1Client.Reply large =
        viaA.post(
            db + "/raw",
            "{\"sql\":\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
                + " 4000) SELECT x, printf('%0500d', x) AS pad FROM c\"}");
    JsonNode rows = large.result().get(0).get("results").get("rows");
    assertThat(rows.size()).isEqualTo(4000);
    assertThat(rows.get(3999).get(1).asText()).hasSize(500).endsWith("4000");

    // The signed URLs are A's, over https, and A sends upload and download on to B.
    JsonNode imported =
        ImportDriver.run(viaA, db, "INSERT INTO t(v) VALUES ('three');", this::mustBeA);
    assertThat(imported.get("status").asText()).as(imported.toString()).isEqualTo("complete");
    String dump = exportThrough(viaA, db);
    assertThat(dump).contains("CREATE TABLE t(").contains("'three'");
  }

  @Test
  void aNodeThatDoesNotTrustTheOwnersCertificateRefusesRetryablyAndAppliesNothing()
      throws Exception {
    String db = InJvmNode.databases() + "/" + onB("untrusted");
    D1Client viaC = client(c);
    D1Client.Reply refused = viaC.post(db + "/query", "{\"sql\":\"CREATE TABLE never(x)\"}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.errorCode()).isEqualTo(7500);
    assertThat(refused.errorMessage())
        .contains("cannot be reached at https://127.0.0.1:" + b.port())
        .contains("TLS handshake failed")
        .contains("cluster-ca-file")
        .contains("nothing was applied");
    D1Client.Reply tables =
        client(b)
            .post(
                db + "/query",
                "{\"sql\":\"SELECT count(*) AS n FROM sqlite_schema WHERE name = 'never'\"}");
    assertThat(tables.result().get(0).get("results").get(0).get("n").asInt()).isZero();
  }

  /** A database made on B (asked of B as if forwarded, so it is not placed elsewhere). */
  private static String onB(String name) throws Exception {
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + b.port() + InJvmNode.databases()))
                .header("Authorization", "Bearer " + InJvmNode.TOKEN)
                .header("x-opend1-forwarded", "1")
                .header("x-opend1-cluster-secret", InJvmNode.SECRET)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String uuid = D1Client.JSON.readTree(r.body()).path("result").path("uuid").asText();
    assertThat(leases.owner(new DatabaseId(UUID.fromString(uuid))).map(Lease::owner))
        .contains(b.id());
    return uuid;
  }

  private static D1Client client(InJvmNode n) {
    return new D1Client(
        https,
        "https://127.0.0.1:" + n.port(),
        Map.of("Authorization", "Bearer " + InJvmNode.TOKEN),
        Duration.ofSeconds(60));
  }

  private String mustBeA(String url) {
    assertThat(url).startsWith("https://127.0.0.1:" + a.port() + "/");
    return url;
  }

  /** Exports through {@code client}; the signed URL is A's; returns the file. */
  private String exportThrough(D1Client client, String db) throws Exception {
    JsonNode r = ExportDriver.run(client, db);
    assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("complete");
    String url = mustBeA(r.get("result").get("signed_url").asText());
    HttpResponse<String> file =
        https.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
    return file.body();
  }

  /** A self-signed certificate for 127.0.0.1 ({@code NAME.pem}, key {@code NAME.key}). */
  private static Path selfSigned(String name) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "req",
                "-x509",
                "-nodes",
                "-days",
                "2",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-keyout",
                name + ".key",
                "-out",
                name + ".pem",
                "-subj",
                "/CN=" + name,
                "-addext",
                "subjectAltName=IP:127.0.0.1"));
    Path log = dir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    return dir.resolve(name + ".pem");
  }

  private static HttpClient trusting(Path cert) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trusted.setCertificateEntry(
          "node", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }
}
