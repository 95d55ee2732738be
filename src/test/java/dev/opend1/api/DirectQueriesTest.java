package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.api.fakes.DelegatingQueries;
import dev.opend1.api.fakes.FakeQueries;
import dev.opend1.api.fakes.Fakes;
import dev.opend1.config.ConfigLoader;
import dev.opend1.core.AccountId;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /query} and {@code /raw} on a standalone server: the plain requests are answered by {@link
 * DirectQueries} without Javalin on the stack, every other one falls through to Javalin's route,
 * and both answer alike, errors included. The answers themselves are pinned by the other tests of
 * this package, which now go the direct way.
 */
class DirectQueriesTest {

  @TempDir Path dir;
  Fakes fakes;
  Recording queries;
  ApiServer server;
  D1Client client;
  String databases;
  String db;

  /** {@link FakeQueries}, noting for each run whether Javalin was on the request's stack. */
  static final class Recording extends DelegatingQueries {
    final List<Boolean> viaJavalin = new CopyOnWriteArrayList<>();
    volatile RuntimeException failWith;
    volatile Error errWith;

    Recording() {
      super(new FakeQueries());
    }

    private void note() {
      viaJavalin.add(
          Arrays.stream(Thread.currentThread().getStackTrace())
              .anyMatch(f -> f.getClassName().startsWith("io.javalin.")));
      if (failWith != null) {
        throw failWith;
      }
      if (errWith != null) {
        throw errWith;
      }
    }

    @Override
    public void execute(DatabaseId id, List<QueryInput> inputs, boolean readOnly, ResultSink sink) {
      note();
      super.execute(id, inputs, readOnly, sink);
    }

    @Override
    public void executeAsOf(DatabaseId id, Bookmark at, List<QueryInput> inputs, ResultSink sink) {
      note();
      super.executeAsOf(id, at, inputs, sink);
    }
  }

  @BeforeEach
  void start() {
    fakes = new Fakes();
    queries = new Recording();
    AccountId account = fakes.accounts.create("fake account").id();
    String token = fakes.tokens.create(account, "t", Permission.EDIT, Optional.empty()).secret();
    Services real = fakes.services();
    Services services =
        new Services(
            real.accounts(),
            real.tokens(),
            real.databases(),
            queries,
            real.timeTravel(),
            real.transfers(),
            real.status(),
            real.meters(),
            real.recorder(),
            real.analytics(),
            real.recovery(),
            real.forwarding(),
            real.replicas());
    server =
        new ApiServer(
            ConfigLoader.load(Map.of("port", "0", "data-dir", dir.toString()), Map.of()), services);
    client =
        new D1Client(
            "http://127.0.0.1:" + server.port(), Map.of("Authorization", "Bearer " + token));
    databases = "/client/v4/accounts/" + account + "/d1/database";
    db =
        fakes
            .databases
            .create(
                account,
                new DatabaseService.NewDatabase("one", Optional.empty(), Optional.empty(), "auto"))
            .id()
            .toString();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static final String BODY = "{\"sql\":\"SELECT 1\"}";

  @Test
  void plainQueryAndRawSkipJavalin() {
    Reply query = client.post(databases + "/" + db + "/query", BODY);
    Reply raw = client.post(databases + "/" + db + "/raw", BODY);
    assertThat(query.status()).isEqualTo(200);
    assertThat(raw.status()).isEqualTo(200);
    assertThat(query.json().at("/result/0/results/0/sql").asText()).isEqualTo("SELECT 1");
    assertThat(raw.json().at("/result/0/results/columns/0").asText()).isEqualTo("sql");
    assertThat(queries.viaJavalin).containsExactly(false, false);
  }

  @Test
  void theDirectAnswerCarriesTheSameHeadersAsTheJavalinRoutes() throws Exception {
    HttpResponse<String> direct = post(databases + "/" + db + "/query");
    HttpResponse<String> javalin = post(databases + "/" + db.replace("-", "%2D") + "/query");
    assertThat(queries.viaJavalin).containsExactly(false, true);
    for (HttpResponse<String> r : List.of(direct, javalin)) {
      HttpHeaders h = r.headers();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(h.allValues("content-type")).containsExactly("application/json");
      assertThat(h.allValues("x-d1-bookmark")).containsExactly(FakeQueries.NOW.toString());
      assertThat(h.allValues("content-length"))
          .containsExactly(Integer.toString(r.body().getBytes(StandardCharsets.UTF_8).length));
      assertThat(h.allValues("x-request-id")).hasSize(1);
      assertThat(h.allValues("keep-alive")).hasSize(1);
      assertThat(h.firstValue("keep-alive").orElseThrow()).matches("timeout=[1-9][0-9]*");
    }
    assertThat(direct.headers().map().keySet()).isEqualTo(javalin.headers().map().keySet());
    assertThat(direct.headers().firstValue("keep-alive"))
        .isEqualTo(javalin.headers().firstValue("keep-alive"));
  }

  private HttpResponse<String> post(String path) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(client.uri(path)).POST(HttpRequest.BodyPublishers.ofString(BODY));
    client.headers().forEach(b::header);
    return client.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anythingElseFallsThroughToJavalinAndAnswersTheSame() {
    String bookmark = FakeQueries.NOW.toString();
    List<String> paths =
        List.of(
            databases + "/" + db + "/query?bookmark=" + bookmark,
            databases + "/" + db + "/query/",
            databases + "/" + db.replace("-", "%2D") + "/raw");
    for (String path : paths) {
      Reply r = client.post(path, BODY);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.json().at("/success").asBoolean()).as(path).isTrue();
    }
    assertThat(queries.viaJavalin).containsExactly(true, true, true);
  }

  @Test
  void errorsAreTheRoutesErrors() {
    Reply noToken =
        new D1Client("http://127.0.0.1:" + server.port(), Map.of())
            .post(databases + "/" + db + "/query", BODY);
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.json().at("/errors/0/code").asInt()).isEqualTo(10000);
    Reply otherAccount =
        client.post(
            "/client/v4/accounts/" + "f".repeat(32) + "/d1/database/" + db + "/query", BODY);
    assertThat(otherAccount.status()).isEqualTo(403);
    assertThat(otherAccount.json().at("/errors/0/code").asInt()).isEqualTo(7403);
    Reply noDatabase = client.post(databases + "/nosuch/query", BODY);
    assertThat(noDatabase.status()).isEqualTo(404);
    Reply malformed = client.post(databases + "/" + db + "/query", "{\"sql\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().at("/errors/0/code").asInt()).isEqualTo(7400);
    assertThat(malformed.contentType()).isEqualTo("application/json");
    assertThat(queries.viaJavalin).isEmpty();
  }

  @Test
  void unexpectedFailuresAreInternalErrorsWithTheRequestId() {
    queries.failWith = new IllegalStateException("boom");
    Reply failed = client.post(databases + "/" + db + "/query", BODY);
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.json().at("/errors/0/code").asInt()).isEqualTo(7500);
    assertThat(failed.json().at("/errors/0/message").asText())
        .isEqualTo("internal error; reference = " + failed.requestId());
    queries.failWith = null;
    queries.errWith = new StackOverflowError();
    Reply error = client.post(databases + "/" + db + "/raw", BODY);
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.json().at("/errors/0/code").asInt()).isEqualTo(7500);
    queries.errWith = null;
    assertThat(client.post(databases + "/" + db + "/query", BODY).status()).isEqualTo(200);
    assertThat(queries.viaJavalin).containsExactly(false, false, false);
  }

  @Test
  void aPlainSegmentIsLettersDigitsDashesAndUnderscores() {
    assertThat(DirectQueries.plainSegmentEnd("/a/Ab-_9/x", 3)).isEqualTo(8);
    assertThat(DirectQueries.plainSegmentEnd("/a//x", 3)).isEqualTo(-1);
    assertThat(DirectQueries.plainSegmentEnd("/a/b.c/x", 3)).isEqualTo(-1);
    assertThat(DirectQueries.plainSegmentEnd("/a/b%2D/x", 3)).isEqualTo(-1);
    assertThat(DirectQueries.plainSegmentEnd("/a/b+c/x", 3)).isEqualTo(-1);
    assertThat(DirectQueries.plainSegmentEnd("/a/bc", 3)).isEqualTo(-1);
  }
}
