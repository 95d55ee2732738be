package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.api.SessionBookmarkApiTest.Answer;
import dev.opend1.api.fakes.DelegatingQueries;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that committed is answered as applied, with the bookmark of a state that holds it, even
 * when the database changes between its commit and its answer: its history reopened (a cluster
 * move, a retention reopen), so that asking it for the newest bookmark fails; or a restore to
 * before the write, whose bookmark names a state without it. A real server, whose query service
 * runs the real engine and then does that, on the request's thread, before the answer starts.
 */
class CommittedWriteAnswerTest {

  @TempDir Path dir;
  TestServer server;
  String db;

  /** What runs right after a request's statements did, before its answer starts. */
  final AtomicReference<Consumer<DatabaseId>> afterRun = new AtomicReference<>(d -> {});

  /** Whether asking for the newest bookmark fails, as while the history is being reopened. */
  volatile boolean lookupFails;

  /** The services the edge got, for a restore. */
  Services services;

  void start() {
    server =
        TestServer.start(
            dir,
            real -> {
              services = withQueries(real, interposed(real.queries()));
              return services;
            });
    D1Client client = server.client();
    String uuid =
        client.post(databases(), "{\"name\":\"committed\"}").result().get("uuid").asText();
    db = databases() + "/" + uuid;
    assertThat(query(db + "/query", "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)").status())
        .isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private QueryService interposed(QueryService real) {
    return new DelegatingQueries(real) {
      @Override
      public void execute(
          DatabaseId db, List<QueryInput> inputs, boolean readOnly, ResultSink sink) {
        super.execute(db, inputs, readOnly, sink);
        afterRun.get().accept(db);
      }

      @Override
      public Bookmark bookmark(DatabaseId db) {
        if (lookupFails) {
          throw new IllegalStateException("the history of " + db + " is being reopened");
        }
        return super.bookmark(db);
      }
    };
  }

  private static Services withQueries(Services s, QueryService queries) {
    return new Services(
        s.accounts(),
        s.tokens(),
        s.databases(),
        queries,
        s.timeTravel(),
        s.transfers(),
        s.status(),
        s.meters(),
        s.recorder(),
        s.analytics(),
        s.recovery(),
        s.forwarding(),
        s.replicas());
  }

  private Answer query(String path, String statements) {
    return SessionBookmarkApiTest.send(server.client(), path, statements, null);
  }

  private String bookmarkNow() {
    return server.client().get(db + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  private long rowsAsOf(String bookmark) {
    String path = db + "/query?bookmark=" + URLEncoder.encode(bookmark, StandardCharsets.UTF_8);
    Answer a = query(path, "SELECT count(*) AS n FROM t");
    assertThat(a.status()).as(a.json().toString()).isEqualTo(200);
    return a.json().path("result").path(0).path("results").path(0).path("n").asLong();
  }

  @Test
  void aWriteWhoseNewestBookmarkCannotBeAskedForIsAnsweredWithItsCommitsBookmark() {
    start();
    String before = bookmarkNow();
    lookupFails = true;

    Answer w = query(db + "/query", "INSERT INTO t (b) VALUES ('x')");

    lookupFails = false;
    assertThat(w.status()).as(w.json().toString()).isEqualTo(200);
    assertThat(w.json().path("success").asBoolean()).isTrue();
    assertThat(w.bookmark()).isGreaterThan(before).isEqualTo(bookmarkNow());
    assertThat(rowsAsOf(w.bookmark())).isEqualTo(1);
  }

  @Test
  void aWriteRestoredAwayBeforeItsAnswerIsAnsweredWithTheStateThatHeldIt() {
    start();
    String before = bookmarkNow();
    AtomicReference<TimeTravelService.Restored> restored = new AtomicReference<>();
    afterRun.set(
        d -> restored.set(services.timeTravel().restore(d, Optional.of(before), Optional.empty())));

    Answer w = query(db + "/query", "INSERT INTO t (b) VALUES ('x')");

    afterRun.set(d -> {});
    assertThat(w.status()).as(w.json().toString()).isEqualTo(200);
    assertThat(restored.get()).as("the restore ran between the commit and the answer").isNotNull();
    assertThat(w.bookmark())
        .as("the write's own commit, the state the restore replaced")
        .isEqualTo(restored.get().previous().toString())
        .isNotEqualTo(bookmarkNow());
    assertThat(rowsAsOf(w.bookmark())).isEqualTo(1);
    assertThat(rowsAsOf(bookmarkNow())).as("restored to before the write").isZero();
  }
}
