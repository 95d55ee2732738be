package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.catalog.IssuedToken;
import dev.opend1.core.Permission;
import dev.opend1.testing.RawHttp;
import dev.opend1.testing.TestServer;
import dev.opend1.transfer.TransferSignatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may reach what: every one of D1's 12 endpoints against every kind of bad credential, a
 * read-only token, another account's token, and another account's database, plus the signed
 * transfer URLs and path traversal. Refusals carry D1's status and code, and a foreign database
 * that exists gets the byte-identical answer of one that does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolationMatrixTest {

  @TempDir static Path dir;
  TestServer server;
  String mine;
  String foreign;
  String foreignName = "theirs";
  String readToken;
  String otherToken;
  String revokedToken;

  /** One endpoint: method, path after the account's database collection, body, whether it edits. */
  record Endpoint(String name, String method, String suffix, String body, boolean edits) {
    String path(String account, String db) {
      return "/client/v4/accounts/" + account + "/d1/database" + suffix.replace("{db}", db);
    }

    boolean namesADatabase() {
      return suffix.contains("{db}");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("list", "GET", "", null, false),
          new Endpoint("create", "POST", "", "{\"name\":\"created-by-matrix\"}", true),
          new Endpoint("get", "GET", "/{db}", null, false),
          new Endpoint(
              "update", "PUT", "/{db}", "{\"read_replication\":{\"mode\":\"disabled\"}}", true),
          new Endpoint(
              "edit", "PATCH", "/{db}", "{\"read_replication\":{\"mode\":\"disabled\"}}", true),
          new Endpoint("delete", "DELETE", "/{db}", null, true),
          new Endpoint("query", "POST", "/{db}/query", "{\"sql\":\"SELECT 1\"}", false),
          new Endpoint("raw", "POST", "/{db}/raw", "{\"sql\":\"SELECT 1\"}", false),
          // Export only reads; D1 lists no permission group for it, and opend1 lets D1 Read run it.
          new Endpoint("export", "POST", "/{db}/export", "{\"output_format\":\"polling\"}", false),
          new Endpoint(
              "import",
              "POST",
              "/{db}/import",
              "{\"action\":\"init\",\"etag\":\"d41d8cd98f00b204e9800998ecf8427e\"}",
              true),
          new Endpoint("bookmark", "GET", "/{db}/time_travel/bookmark", null, false),
          new Endpoint(
              "restore",
              "POST",
              "/{db}/time_travel/restore?timestamp=2020-01-01T00:00:00Z",
              null,
              true));

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start(dir.resolve("data"));
    mine =
        send(
                "POST",
                collection(TestServer.ACCOUNT.value()),
                bearer(TestServer.TOKEN),
                "{\"name\":\"mine\"}")
            .json()
            .at("/result/uuid")
            .asText();
    IssuedToken read =
        server
            .catalog()
            .tokens()
            .create(TestServer.ACCOUNT, "r", Permission.READ, Optional.empty());
    readToken = read.secret();
    IssuedToken other =
        server
            .catalog()
            .tokens()
            .create(server.otherAccount(), "o", Permission.EDIT, Optional.empty());
    otherToken = other.secret();
    foreign =
        send(
                "POST",
                collection(server.otherAccount().value()),
                bearer(otherToken),
                "{\"name\":\"" + foreignName + "\"}")
            .json()
            .at("/result/uuid")
            .asText();
    IssuedToken revoked =
        server
            .catalog()
            .tokens()
            .create(TestServer.ACCOUNT, "x", Permission.EDIT, Optional.empty());
    revokedToken = revoked.secret();
    server.catalog().tokens().revoke(revoked.token().id());
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  private static String collection(String account) {
    return "/client/v4/accounts/" + account + "/d1/database";
  }

  private static List<String> bearer(String token) {
    return List.of("Authorization: Bearer " + token, "Content-Type: application/json");
  }

  private RawHttp.Response send(String method, String path, List<String> headers, String body)
      throws Exception {
    byte[] b = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    return RawHttp.send(server.port(), RawHttp.request(method, path, headers, b));
  }

  private RawHttp.Response call(Endpoint e, String account, String db, List<String> headers)
      throws Exception {
    return send(e.method(), e.path(account, db), headers, e.body());
  }

  private static void refused(RawHttp.Response r, int status, int code, String what) {
    assertThat(r.status()).as(what + " -> " + r.bodyText()).isEqualTo(status);
    assertThat(r.json().get("success").asBoolean()).as(what).isFalse();
    assertThat(r.json().at("/errors/0/code").asInt())
        .as(what + " -> " + r.bodyText())
        .isEqualTo(code);
  }

  /** Our database is untouched by whatever was refused. */
  private void mineIsIntact() throws Exception {
    RawHttp.Response r =
        send(
            "GET",
            collection(TestServer.ACCOUNT.value()) + "/" + mine,
            bearer(TestServer.TOKEN),
            null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(
            send(
                    "GET",
                    collection(server.otherAccount().value()) + "/" + foreign,
                    bearer(otherToken),
                    null)
                .status())
        .isEqualTo(200);
  }

  Stream<Arguments> endpointsAndBadCredentials() {
    List<Arguments> rows = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      for (String[] cred :
          new String[][] {
            {"no credentials"},
            {"malformed", "Authorization: Bearer"},
            {"malformed", "Authorization: Bearer "},
            {"malformed", "Authorization: Basic dGVzdDp0ZXN0"},
            {"malformed", "Authorization: " + TestServer.TOKEN},
            {"malformed", "Authorization: Bearer " + TestServer.TOKEN + " x"},
            {"malformed", "Authorization: Bearer \u00e9\u00e8"},
            {"wrong", "Authorization: Bearer not-a-token"},
            {"wrong", "Authorization: Bearer " + TestServer.TOKEN + "x"},
            {"legacy without email", "X-Auth-Key: " + TestServer.TOKEN},
            {"revoked", "REVOKED"}
          }) {
        rows.add(Arguments.of(e, cred));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("endpointsAndBadCredentials")
  void badCredentialsAre401(Endpoint e, String[] credentials) throws Exception {
    List<String> headers = new ArrayList<>();
    for (int i = 1; i < credentials.length; i++) {
      headers.add(
          credentials[i].equals("REVOKED")
              ? "Authorization: Bearer " + revokedToken
              : credentials[i]);
    }
    headers.add("Content-Type: application/json");
    for (String db : List.of(mine, "mine", foreign, "nonexistent")) {
      RawHttp.Response r = call(e, TestServer.ACCOUNT.value(), db, headers);
      refused(r, 401, 10000, e + " " + credentials[0]);
      assertThat(r.json().at("/errors/0/message").asText()).isEqualTo("Authentication error");
    }
    mineIsIntact();
  }

  Stream<Endpoint> endpoints() {
    return ENDPOINTS.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aReadOnlyTokenIsRefusedEveryEditEndpoint(Endpoint e) throws Exception {
    RawHttp.Response r = call(e, TestServer.ACCOUNT.value(), mine, bearer(readToken));
    if (e.edits()) {
      refused(r, 403, 10000, e.toString());
      assertThat(r.json().at("/errors/0/message").asText())
          .startsWith("Authentication error: the API token is read-only and cannot ");
    } else {
      assertThat(r.status()).as(e + " -> " + r.bodyText()).isEqualTo(200);
    }
    mineIsIntact();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void anotherAccountsTokenLearnsNothing(Endpoint e) throws Exception {
    // Account B's token on account A's paths: one answer, whatever the database.
    String account = TestServer.ACCOUNT.value();
    RawHttp.Response existing = call(e, account, mine, bearer(otherToken));
    refused(existing, 403, 7403, e.toString());
    for (String db :
        List.of(
            "mine", "00000000-0000-4000-8000-000000000000", "nonexistent", foreign, foreignName)) {
      RawHttp.Response r = call(e, account, db, bearer(otherToken));
      assertThat(r.status()).isEqualTo(existing.status());
      assertThat(r.bodyText()).as(e + " " + db).isEqualTo(existing.bodyText());
    }
    mineIsIntact();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aForeignDatabaseUnderOurAccountIsLikeNoDatabase(Endpoint e) throws Exception {
    if (!e.namesADatabase()) {
      return;
    }
    String account = TestServer.ACCOUNT.value();
    RawHttp.Response none =
        call(e, account, "00000000-0000-4000-8000-000000000000", bearer(TestServer.TOKEN));
    refused(none, 404, 7404, e.toString());
    RawHttp.Response byId = call(e, account, foreign, bearer(TestServer.TOKEN));
    assertThat(byId.status()).isEqualTo(404);
    assertThat(byId.bodyText()).as(e + " by id").isEqualTo(none.bodyText());
    RawHttp.Response noName = call(e, account, "no-such-name", bearer(TestServer.TOKEN));
    RawHttp.Response byName = call(e, account, foreignName, bearer(TestServer.TOKEN));
    assertThat(byName.status()).isEqualTo(noName.status());
    assertThat(byName.bodyText()).as(e + " by name").isEqualTo(noName.bodyText());
    mineIsIntact();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void traversalInIdsAndNamesIsRefused(Endpoint e) throws Exception {
    if (!e.namesADatabase()) {
      return;
    }
    String b = server.otherAccount().value();
    for (String db :
        List.of(
            "..",
            "%2e%2e",
            "..%2F..%2F" + b + "%2Fd1%2Fdatabase%2F" + foreign,
            mine + "%2F..%2F" + foreign,
            "..%2F" + foreign,
            "%2E%2E%2F%2E%2E%2Fcatalog.sqlite",
            "..%5C..%5Ccatalog.sqlite",
            "mine%00",
            "./" + foreign)) {
      RawHttp.Response r = call(e, TestServer.ACCOUNT.value(), db, bearer(TestServer.TOKEN));
      assertThat(r.status()).as(e + " " + db + " -> " + r.bodyText()).isIn(400, 404);
      assertThat(r.json().get("success").asBoolean()).isFalse();
      assertThat(r.bodyText()).doesNotContain(foreign);
    }
    mineIsIntact();
  }

  @Test
  void signedUrlsAreBoundToTheirFileAndTime() throws Exception {
    String account = TestServer.ACCOUNT.value();
    String url = exportUrl(collection(account) + "/" + mine, bearer(TestServer.TOKEN));
    String theirs =
        exportUrl(collection(server.otherAccount().value()) + "/" + foreign, bearer(otherToken));
    String path = url.substring(url.indexOf("/client/v4"));
    String theirPath = theirs.substring(theirs.indexOf("/client/v4"));
    assertThat(send("GET", path, List.of(), null).status()).isEqualTo(200);
    String file = path.substring(0, path.indexOf('?'));
    String query = path.substring(path.indexOf('?'));
    String theirFile = theirPath.substring(0, theirPath.indexOf('?'));
    String sig = query.replaceAll(".*signature=", "");
    String flipped = (sig.charAt(0) == 'a' ? "b" : "a") + sig.substring(1);
    long past = Instant.now().getEpochSecond() - 1;
    List<String> bad =
        List.of(
            theirFile + query, // our signature on another database's file
            file + query.replace(sig, flipped), // altered signature
            file + query.replaceAll("expires=\\d+", "expires=" + (past + 100_000)), // altered time
            file + "?" + TransferSignatures.query(server.dataDir(), "GET", name(file), past),
            file
                + "?"
                + TransferSignatures.query(server.dataDir(), "PUT", name(file), past + 100_000),
            file,
            file + "?expires=&signature=",
            "/client/v4/_transfer/exports/..%2Fcatalog.sqlite" + query,
            "/client/v4/_transfer/exports/..%2F..%2Ftransfer.key" + query,
            "/client/v4/_transfer/exports/%2e%2e" + query);
    for (String p : bad) {
      RawHttp.Response r = send("GET", p, List.of(), null);
      assertThat(r.status()).as(p + " -> " + r.bodyText()).isIn(400, 403, 404);
      assertThat(r.json().get("success").asBoolean()).isFalse();
      assertThat(r.bodyText()).doesNotContain("CREATE TABLE");
    }
    // A download signature does not upload, and an upload needs its own.
    RawHttp.Response put =
        send("PUT", "/client/v4/_transfer/uploads/" + name(file) + query, List.of(), "SELECT 1;");
    refused(put, 403, 7403, "upload with a download signature");
  }

  private static String name(String file) {
    return file.substring(file.lastIndexOf('/') + 1);
  }

  private String exportUrl(String db, List<String> headers) throws Exception {
    send("POST", db + "/query", headers, "{\"sql\":\"CREATE TABLE IF NOT EXISTS e(a)\"}");
    String body = "{\"output_format\":\"polling\"}";
    RawHttp.Response r = send("POST", db + "/export", headers, body);
    for (int i = 0; i < 200 && r.json().at("/result/status").asText().equals("active"); i++) {
      Thread.sleep(50);
      r =
          send(
              "POST",
              db + "/export",
              headers,
              "{\"output_format\":\"polling\",\"current_bookmark\":\""
                  + r.json().at("/result/at_bookmark").asText()
                  + "\"}");
    }
    String url = r.json().at("/result/result/signed_url").asText();
    assertThat(url).as(r.bodyText()).contains("/client/v4/_transfer/exports/");
    return url;
  }
}
