package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.opend1.core.Bookmark;
import dev.opend1.history.HistoryCheck;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A record damaged on disk inside a sealed segment of a database's history. The server opens the
 * history from the segment's index file without reading the records, so the damage shows only when
 * a request needs the record: a restore, or a read, diff, export or branch as of a bookmark whose
 * state replays it. Such a request is refused whole in D1's envelope, naming the database, the
 * segment and byte, and the bookmark (never a host path), and logged once at ERROR with the path;
 * nothing is applied, and everything that does not need the record serves on.
 */
class DamagedHistoryTest {

  @TempDir Path dir;

  private Path data;
  private String id;
  private String db;

  /** The bookmark after each commit, by seq: 0 the creation, 1 the table, 2 to 7 a row each. */
  private final Map<Long, String> bookmarks = new TreeMap<>();

  /** Where the damaged record (seq 4) starts in the sealed segment {@code seg-0...0.log}. */
  private int damagedAt;

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger root =
      ((LoggerContext) LoggerFactory.getILoggerFactory())
          .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  /**
   * Seven commits; the one segment split into a sealed segment (seqs 0 to 5, its index written by
   * the next open) and an open one (6 and 7), as the server seals by size or age; then the body of
   * record 4 damaged with its length kept, the server stopped meanwhile.
   */
  @BeforeEach
  void damageASealedSegment() throws Exception {
    data = dir.resolve("data");
    try (TestServer server = TestServer.start(data)) {
      D1Client client = server.client();
      id = client.post(databases(), "{\"name\":\"source\"}").result().get("uuid").asText();
      db = databases() + "/" + id;
      note(client);
      run(client, "CREATE TABLE t(a)");
      for (int i = 1; i <= 6; i++) {
        run(client, "INSERT INTO t VALUES (" + i + ")");
      }
    }
    assertThat(bookmarks).hasSize(8);
    Path history = data.resolve("db").resolve(id).resolve("history");
    Path sealed = history.resolve("seg-%016x.log".formatted(0L));
    byte[] bytes = Files.readAllBytes(sealed);
    List<Integer> starts = new ArrayList<>();
    for (int pos = 0; pos < bytes.length; pos += 12 + ByteBuffer.wrap(bytes).getInt(pos + 8) + 4) {
      starts.add(pos);
    }
    assertThat(starts).hasSize(8);
    Files.write(sealed, Arrays.copyOfRange(bytes, 0, starts.get(6)));
    Files.write(
        history.resolve("seg-%016x.log".formatted(6L)),
        Arrays.copyOfRange(bytes, starts.get(6), bytes.length));
    try (TestServer server = TestServer.start(data)) {
      Reply r = server.client().get(db + "/time_travel/bookmark"); // opens the history
      assertThat(r.result().get("bookmark").asText()).isEqualTo(bookmarks.get(7L));
    }
    assertThat(history.resolve("idx-%016x.bin".formatted(0L))).exists();
    damagedAt = starts.get(4);
    int length = ByteBuffer.wrap(bytes).getInt(damagedAt + 8);
    byte[] damaged = Files.readAllBytes(sealed);
    damaged[damagedAt + 12 + length / 2] ^= 0x55;
    Files.write(sealed, damaged);

    log.setContext(root.getLoggerContext());
    log.start();
    root.addAppender(log);
  }

  @AfterEach
  void detachLog() {
    root.detachAppender(log);
  }

  private void run(D1Client client, String statement) {
    Reply r = client.post(db + "/query", sql(statement));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    note(client);
  }

  private void note(D1Client client) {
    String b = client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
    bookmarks.put(Bookmark.parse(b).orElseThrow().seq(), b);
  }

  private static String rows(D1Client client, String path) {
    Reply r = client.post(path, sql("SELECT a FROM t ORDER BY a"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().at("/0/results").toString();
  }

  private static String current(D1Client client, String db) {
    return client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  /** What a request that needs the state at seq 5 (so record 4) is answered, less its reference. */
  private String refusal(long seq) {
    return "D1 database "
        + id
        + ": its history is damaged at seg-0000000000000000.log byte "
        + damagedAt
        + "; the state at bookmark "
        + bookmarks.get(seq)
        + " cannot be read, and nothing was applied (opend1 doctor reports the damage)";
  }

  private void assertRefused(Reply r, long seq) {
    assertThat(r.status()).as(r.body()).isEqualTo(500);
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage()).isEqualTo(refusal(seq) + "; reference = " + r.requestId());
    assertThat(r.body()).doesNotContain(dir.toString());
  }

  /** One ERROR line per refused request, naming the segment's full path; no internal error. */
  private void assertLogged(int refused) {
    String path = data.resolve("db").resolve(id).resolve("history") + "/seg-0000000000000000.log";
    assertThat(log.list)
        .filteredOn(e -> e.getLevel() == Level.ERROR)
        .hasSize(refused)
        .allSatisfy(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains("history of database " + id + " is damaged")
                    .contains("at byte " + damagedAt + " of " + path + ": record 4 fails its check")
                    .contains("opend1 doctor"));
    assertNoInternalError();
  }

  /** No request was answered (or logged) as an internal error. */
  private void assertNoInternalError() {
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().contains("internal error"))
        .isEmpty();
  }

  /** What a request to the database answers when its newest state cannot be rebuilt. */
  private void assertUnavailable(Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage())
        .isEqualTo(
            "D1 database "
                + id
                + " is unavailable: its history is damaged at seg-0000000000000000.log byte "
                + damagedAt
                + ", so its newest state cannot be rebuilt (opend1 doctor reports the damage);"
                + " reference = "
                + r.requestId());
  }

  @Test
  void aRestoreThatNeedsADamagedRecordIsRefusedAndChangesNothing() throws Exception {
    try (TestServer server = TestServer.start(data)) {
      D1Client client = server.client();
      assertRefused(
          client.send("POST", db + "/time_travel/restore?bookmark=" + bookmarks.get(5L), null), 5);
      assertLogged(1);
      assertThat(current(client, db)).as("no restore was committed").isEqualTo(bookmarks.get(7L));
      assertThat(rows(client, db + "/query"))
          .isEqualTo("[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4},{\"a\":5},{\"a\":6}]");

      // A bookmark before the damaged record restores; writes and reads go on.
      Reply ok =
          client.send("POST", db + "/time_travel/restore?bookmark=" + bookmarks.get(3L), null);
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(rows(client, db + "/query")).isEqualTo("[{\"a\":1},{\"a\":2}]");
      Reply write = client.post(db + "/query", sql("INSERT INTO t VALUES (7)"));
      assertThat(write.status()).as(write.body()).isEqualTo(200);
      assertThat(rows(client, db + "/query")).isEqualTo("[{\"a\":1},{\"a\":2},{\"a\":7}]");
      assertLogged(1);
    }
    // What the refusal points the operator to: the offline doctor names the same place.
    assertThat(HistoryCheck.check(id, data.resolve("db").resolve(id).resolve("history")).problems())
        .contains("history segment seg-0000000000000000.log is damaged at byte " + damagedAt);
  }

  @Test
  void readsAsOfABookmarkThatNeedsADamagedRecordAreRefusedAndTheRestServe() throws Exception {
    try (TestServer server = TestServer.start(data)) {
      D1Client client = server.client();
      String bad = bookmarks.get(5L);
      assertRefused(client.post(db + "/query?bookmark=" + bad, sql("SELECT a FROM t")), 5);
      assertRefused(client.post(db + "/raw?bookmark=" + bad, sql("SELECT a FROM t")), 5);
      assertRefused(
          client.get(db + "/time_travel/diff?from=" + bookmarks.get(3L) + "&to=" + bad), 5);
      assertRefused(
          client.post(
              databases(),
              "{\"name\":\"branch\",\"from\":{\"database\":\""
                  + id
                  + "\",\"bookmark\":\""
                  + bad
                  + "\"}}"),
          5);
      Reply export =
          client.post(
              db + "/export", "{\"output_format\":\"polling\",\"at_bookmark\":\"" + bad + "\"}");
      while (export.result().get("status").asText().equals("active")) {
        export =
            client.post(
                db + "/export", "{\"output_format\":\"polling\",\"at_bookmark\":\"" + bad + "\"}");
      }
      assertThat(export.result().get("status").asText()).as(export.body()).isEqualTo("error");
      assertThat(export.result().get("error").asText()).isEqualTo(refusal(5));
      assertLogged(5);

      try (Stream<Path> states = Files.list(data.resolve("past"))) {
        assertThat(states.toList()).as("the refused past states are gone").isEmpty();
      }
      // Nothing was made of the branch: the name is free and only the source is listed.
      assertThat(client.get(databases()).result()).hasSize(1);
      try (Stream<Path> dirs = Files.list(data.resolve("db"))) {
        assertThat(dirs.toList()).hasSize(1);
      }
      // States that do not need the record, and the current one, serve.
      String good = bookmarks.get(3L);
      assertThat(rows(client, db + "/query?bookmark=" + good)).isEqualTo("[{\"a\":1},{\"a\":2}]");
      Reply branch =
          client.post(
              databases(),
              "{\"name\":\"branch\",\"from\":{\"database\":\""
                  + id
                  + "\",\"bookmark\":\""
                  + good
                  + "\"}}");
      assertThat(branch.status()).as(branch.body()).isEqualTo(200);
      String branchDb = databases() + "/" + branch.result().get("uuid").asText();
      assertThat(rows(client, branchDb + "/query")).isEqualTo("[{\"a\":1},{\"a\":2}]");
      Reply write = client.post(db + "/query", sql("INSERT INTO t VALUES (7)"));
      assertThat(write.status()).as(write.body()).isEqualTo(200);
      assertThat(rows(client, db + "/query"))
          .isEqualTo("[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4},{\"a\":5},{\"a\":6},{\"a\":7}]");
      assertLogged(5);
    }
  }

  /**
   * After a crash before any checkpoint the file holds the first state and the history's records
   * must be replayed into it, record 4 among them: the database is unavailable (503, listed, logged
   * once as such) rather than failing each request with an internal error; the others serve on.
   */
  @Test
  void aRecoveryThatNeedsADamagedRecordMakesTheDatabaseUnavailable() throws Exception {
    Path dbDir = data.resolve("db").resolve(id);
    Files.copy(
        dbDir.resolve("history").resolve("snap-%016x.db".formatted(0L)),
        dbDir.resolve("db.sqlite"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dbDir.resolve("history").resolve("checkpoint"), "0");
    try (TestServer server = TestServer.start(data)) {
      D1Client client = server.client();
      String other = client.post(databases(), "{\"name\":\"other\"}").result().get("uuid").asText();
      for (Reply r :
          List.of(
              client.post(db + "/query", sql("SELECT a FROM t")),
              client.post(db + "/query", sql("INSERT INTO t VALUES (9)")),
              client.post(db + "/query", sql("SELECT a FROM t")))) {
        assertUnavailable(r);
      }
      Reply ok = client.post(databases() + "/" + other + "/query", sql("CREATE TABLE u(x)"));
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().contains("database " + id + " is unavailable"))
        .hasSize(1);
    assertNoInternalError();
  }

  /** What a request answers when a scan of the sealed segment finds record 4 damaged. */
  private String segmentRefusal() {
    return "D1 database "
        + id
        + ": its history is damaged at seg-0000000000000000.log byte "
        + damagedAt
        + "; the segment cannot be read, and nothing was applied (opend1 doctor reports the"
        + " damage)";
  }

  /**
   * Without its index file (lost, or a segment sealed before indexes existed) the sealed segment is
   * scanned when the history opens, and its damage fails the open: the database is unavailable,
   * time travel says why, and no request answers an internal error.
   */
  @Test
  void aDamagedSealedSegmentWithoutItsIndexMakesTheDatabaseUnavailable() throws Exception {
    Path history = data.resolve("db").resolve(id).resolve("history");
    Files.delete(history.resolve("idx-%016x.bin".formatted(0L)));
    try (TestServer server = TestServer.start(data)) {
      D1Client client = server.client();
      String other = client.post(databases(), "{\"name\":\"other\"}").result().get("uuid").asText();
      Reply bookmark = client.get(db + "/time_travel/bookmark");
      assertThat(bookmark.status()).as(bookmark.body()).isEqualTo(500);
      assertThat(bookmark.errorMessage())
          .isEqualTo(segmentRefusal() + "; reference = " + bookmark.requestId());
      for (Reply r :
          List.of(
              client.post(db + "/query", sql("SELECT a FROM t")),
              client.post(db + "/query", sql("INSERT INTO t VALUES (9)")))) {
        assertUnavailable(r);
      }
      Reply ok = client.post(databases() + "/" + other + "/query", sql("CREATE TABLE u(x)"));
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
    assertNoInternalError();
  }

  /**
   * An index file lost while the history is open: the first lookup in the segment scans it, finds
   * the damage and refuses the request as such; the current state reads and writes on.
   */
  @Test
  void aLookupThatScansTheDamagedSegmentIsRefusedAndTheDatabaseServesOn() throws Exception {
    try (TestServer server = TestServer.start(data)) {
      D1Client client = server.client();
      assertThat(current(client, db)).isEqualTo(bookmarks.get(7L)); // the history is open
      Files.delete(
          data.resolve("db").resolve(id).resolve("history").resolve("idx-%016x.bin".formatted(0L)));
      Reply r =
          client.send("POST", db + "/time_travel/restore?bookmark=" + bookmarks.get(3L), null);
      assertThat(r.status()).as(r.body()).isEqualTo(500);
      assertThat(r.errorCode()).isEqualTo(7500);
      assertThat(r.errorMessage()).isEqualTo(segmentRefusal() + "; reference = " + r.requestId());
      assertThat(current(client, db)).isEqualTo(bookmarks.get(7L));
      Reply write = client.post(db + "/query", sql("INSERT INTO t VALUES (7)"));
      assertThat(write.status()).as(write.body()).isEqualTo(200);
      assertThat(rows(client, db + "/query"))
          .isEqualTo("[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4},{\"a\":5},{\"a\":6},{\"a\":7}]");
    }
    assertNoInternalError();
  }
}
