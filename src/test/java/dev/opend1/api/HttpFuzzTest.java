package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.RawHttp;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile HTTP against a running server, over raw sockets so that nothing is cleaned up on the way:
 * random and mutated D1 bodies, paths, query strings, headers (with Content-Length mismatches), SQL
 * texts and parameters. Every answer must be a success or D1's error envelope, within a time limit,
 * and the server must stay healthy. The default suite runs {@value #DEFAULT_TRIES} cases; the slow
 * suite ({@code -Pslow}) runs {@value #SLOW_TRIES} more.
 */
class HttpFuzzTest {

  static final int DEFAULT_TRIES = 10_000;
  static final int SLOW_TRIES = 100_000;

  private static Path dir;
  private static TestServer server;
  private static String uuid;
  private static final AtomicLong CASES = new AtomicLong();

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("opend1-fuzz");
    server =
        TestServer.start(
            dir,
            Map.of(
                "query-timeout-ms", "200",
                "max-database-bytes", "4194304",
                "max-databases-per-account", "20",
                "max-body-bytes", "1000000"));
    D1Client client = server.client();
    uuid = client.post(TestServer.databases(), "{\"name\":\"fuzz\"}").result().get("uuid").asText();
    client.post(
        TestServer.databases() + "/" + uuid + "/query",
        "{\"sql\":\"CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x')\"}");
  }

  @AfterContainer
  static void stop() throws IOException {
    try {
      // Still healthy: /healthz, and a new database answers a known-good query.
      RawHttp.Response health =
          RawHttp.send(server.port(), RawHttp.request("GET", "/healthz", List.of(), null));
      assertThat(health.status()).isEqualTo(200);
      D1Client client = server.client();
      var created = client.post(TestServer.databases(), "{\"name\":\"after-fuzz\"}");
      String db =
          created.status() == 200
              ? created.result().get("uuid").asText()
              : client.get(TestServer.databases() + "/fuzz").result().get("uuid").asText();
      var r =
          client.post(
              TestServer.databases() + "/" + db + "/query", "{\"sql\":\"SELECT 1 AS one\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.result().at("/0/results/0/one").asInt()).isEqualTo(1);
      System.out.println("fuzz cases: " + CASES.get());
    } finally {
      server.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Property(tries = DEFAULT_TRIES, shrinking = ShrinkingMode.BOUNDED)
  void everyAnswerIsASuccessOrAnEnvelope(@ForAll("requests") Fuzz.Request request) {
    check(request);
  }

  @Property(tries = SLOW_TRIES, shrinking = ShrinkingMode.BOUNDED)
  @Tag("slow")
  void everyAnswerIsASuccessOrAnEnvelopeLongRun(@ForAll("requests") Fuzz.Request request) {
    check(request);
  }

  /** Requests the fuzzer found answered outside the envelope once; each must stay fixed. */
  @Example
  void knownHostileRequestsGetTheEnvelope() {
    String db = TestServer.databases() + "/$UUID";
    List<String> auth = List.of("Authorization: Bearer $TOKEN");
    for (Fuzz.Request r :
        List.of(
            new Fuzz.Request("GET", db.replace("$UUID", "%00"), auth, null, 0),
            new Fuzz.Request("GET", db.replace("$UUID", "a%2Fb"), auth, null, 0),
            new Fuzz.Request("GET", db.replace("$UUID", "%ZZ"), auth, null, 0),
            new Fuzz.Request("GET", db.replace("$UUID", "a%tb"), auth, null, 0),
            new Fuzz.Request("GET", db.replace("$UUID", "a%"), auth, null, 0),
            new Fuzz.Request(
                "POST", "/client/v4/accounts/x%u/d1/database/$UUID/query", auth, null, 0),
            new Fuzz.Request("GET", "/client/v4/_transfer/exports/a%t", List.of(), null, 0),
            new Fuzz.Request("GET", db + "/../../../etc/passwd", auth, null, 0),
            new Fuzz.Request("TRACE", db, auth, null, 0),
            new Fuzz.Request("FOO", db, auth, null, 0),
            new Fuzz.Request(
                "PUT", db, List.of("Authorization: Bearer $TOKEN", "Host: other"), null, 0),
            new Fuzz.Request(
                "GET", db, List.of("Authorization: Bearer $TOKEN", "No-Colon"), null, 0),
            new Fuzz.Request(
                "GET", db, List.of("Authorization: Bearer " + "x".repeat(20_000)), null, 0),
            new Fuzz.Request(
                "POST", db + "/query", auth, "{\"sql\":\"SELECT 1\"}".getBytes(), 4000),
            new Fuzz.Request("POST", db + "/query", auth, "{\"sql\":\"SELECT 1\"}".getBytes(), -5),
            new Fuzz.Request(
                "POST",
                db + "/query",
                List.of("Authorization: Bearer $TOKEN", "Transfer-Encoding: chunked"),
                "{\"sql\":\"SELECT 1\"}".getBytes(),
                Integer.MIN_VALUE),
            new Fuzz.Request(
                "POST",
                db + "/query",
                List.of("Authorization: Bearer $TOKEN", "Expect: 100-continue"),
                "{}".getBytes(),
                0),
            // An error answer large enough to be compressed, to a client that accepts gzip.
            new Fuzz.Request(
                "POST",
                "/client/v4/graphql",
                List.of(
                    "Authorization: Bearer $TOKEN",
                    "Content-Type: application/json",
                    "Accept-Encoding: gzip"),
                ("\"" + "x".repeat(1168) + "\"").getBytes(),
                0))) {
      check(r);
    }
  }

  /**
   * The web console's pages (at {@code /} and under {@code /console/}) are HTML, CSS and
   * JavaScript, not envelopes: a 200 for one of them is a success. Everything else, and everything
   * under {@code /client/v4}, must be JSON.
   */
  private static boolean isConsolePage(byte[] raw, RawHttp.Response r) {
    String line = new String(raw, 0, Math.min(raw.length, 4096), StandardCharsets.ISO_8859_1);
    int start = line.indexOf(' ') + 1;
    int end = line.indexOf(' ', start);
    if (start <= 0 || end < 0) {
      return false;
    }
    String path = line.substring(start, end);
    // The path as Jetty routes it: without a query or a fragment.
    for (char stop : new char[] {'?', '#'}) {
      int at = path.indexOf(stop);
      if (at >= 0) {
        path = path.substring(0, at);
      }
    }
    // Jetty normalises paths ("/./", "//", "/#"), so judge by what came back: only the console
    // serves HTML, CSS or JavaScript, and never under /client/v4.
    String head = r.head().toLowerCase(java.util.Locale.ROOT);
    return r.status() == 200
        && !path.startsWith("/client/")
        && (head.contains("content-type: text/html")
            || head.contains("content-type: text/css")
            || head.contains("content-type: text/javascript"));
  }

  /** Whether the request went to {@code POST /client/v4/graphql}. */
  private static boolean isGraphql(byte[] raw) {
    String line = new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.ISO_8859_1);
    return line.startsWith("POST /client/v4/graphql ")
        || line.startsWith("POST /client/v4/graphql?");
  }

  private static void check(Fuzz.Request request) {
    CASES.incrementAndGet();
    byte[] raw = request.bytes(uuid, TestServer.TOKEN);
    RawHttp.Response r;
    try {
      r = RawHttp.send(server.port(), raw);
    } catch (IOException e) {
      throw new UncheckedIOException("no answer (or hung) for " + RawHttp.show(raw), e);
    }
    String what = RawHttp.show(raw) + "\n-> " + r.status() + " " + r.bodyText();
    assertThat(r.status()).as(what).isBetween(100, 599);
    if (request.method().equals("HEAD") || isConsolePage(raw, r)) {
      return;
    }
    JsonNode json = r.json();
    assertThat(json).as("not JSON: " + what).isNotNull();
    if (r.status() == 200 && !json.has("success") && isGraphql(raw)) {
      // /graphql answers a GraphQL request in GraphQL's form, refusals as errors with status 200.
      assertThat(json.has("data") || json.path("errors").isArray()).as(what).isTrue();
      assertThat(r.bodyText()).as(what).doesNotContain("internal error");
      return;
    }
    assertThat(json.path("success").isBoolean()).as(what).isTrue();
    if (json.get("success").asBoolean()) {
      assertThat(r.status()).as(what).isBetween(200, 299);
      return;
    }
    assertThat(r.status()).as(what).isBetween(400, 599);
    JsonNode errors = json.path("errors");
    assertThat(errors.isArray() && !errors.isEmpty()).as(what).isTrue();
    // An internal error is a bug even with an envelope: hostile input is the client's fault.
    assertThat(r.bodyText()).as(what).doesNotContain("internal error");
    for (JsonNode e : errors) {
      assertThat(e.path("code").isInt()).as(what).isTrue();
      assertThat(e.path("message").isTextual()).as(what).isTrue();
      assertThat(e.path("message").asText()).as(what).isNotBlank();
    }
    // No secret or host path in an error.
    assertThat(r.bodyText())
        .as(what)
        .doesNotContain(TestServer.TOKEN)
        .doesNotContain(dir.toString());
  }

  @Provide
  Arbitrary<Fuzz.Request> requests() {
    return Fuzz.requests();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
