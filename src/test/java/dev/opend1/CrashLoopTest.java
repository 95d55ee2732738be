package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.engine.DurableFiles;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Integrity;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash loop: a real server process under concurrent writers, batches, imports, exports,
 * bookmarks and restores is killed (SIGKILL) at a random moment, restarted and checked, over and
 * over.
 *
 * <p>Database A takes the load: every write request (a batch, or an import) inserts {@link #N} rows
 * under one request id, recorded as acknowledged only after its 200; large rows make the WAL pass
 * the checkpoint bound and the history take snapshots every few seconds. Database B has a single
 * writer that knows its content: after each acknowledged write it takes a bookmark and records the
 * content's hash, and now and then it restores an older bookmark. After each restart: every
 * acknowledged request's rows are in A, every request id in A has exactly N rows (an unacknowledged
 * one is wholly there or wholly absent), both databases pass {@code PRAGMA integrity_check}, and
 * bookmarks of B taken before any crash restore to their recorded hash.
 */
class CrashLoopTest {

  static final String ACCOUNT = "00000000000000000000000000000c10";
  static final String TOKEN = "crash-loop-token";
  static final Map<String, String> ENV =
      Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN);
  static final List<String> FLAGS = List.of("--restore-limit", "1000000");
  static final String DBS = "/client/v4/accounts/" + ACCOUNT + "/d1/database";

  /** Rows per write request, all with the request's id. */
  static final int N = 4;

  static final int WRITERS = 3;

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** The server's flags and environment: {@link #FLAGS} and {@link #ENV}, plus an object store. */
  List<String> flags = FLAGS;

  Map<String, String> env = ENV;

  /** A bookmark of B and B's content (sorted values) when it was taken. */
  record Mark(String bookmark, List<Integer> content) {}

  /** What the kills landed on, for the report. */
  final Map<String, AtomicInteger> killedDuring = new ConcurrentHashMap<>();

  final Set<Long> acked = ConcurrentHashMap.newKeySet();
  final List<Mark> marks = Collections.synchronizedList(new ArrayList<>());
  final AtomicLong nextRequest = new AtomicLong(1);
  String a;
  String b;

  @Test
  void acknowledgedWritesBatchesAndBookmarksSurviveKillsDuringEverything() throws Exception {
    loop(3);
  }

  @Test
  @Tag("slow")
  void fiftyKillCyclesUnderMixedLoad() throws Exception {
    loop(50);
  }

  /**
   * The same loop with every write shipped to object storage before it is answered ({@code sync});
   * then the machine is lost: the data directory is deleted, {@code opend1 recover} rebuilds it
   * from the bucket, and everything acknowledged is there, bookmarks included.
   */
  @Test
  @Tag("slow")
  void tenKillCyclesInSyncModeWithAnObjectStoreThenTheMachineIsLost(@TempDir Path s3dir)
      throws Exception {
    try (S3Proxy s3 = S3Proxy.start(s3dir.resolve("s3"))) {
      List<String> store =
          List.of(
              "--object-store",
              "s3://" + S3Proxy.BUCKET + "/crash",
              "--object-store-endpoint",
              s3.endpoint(),
              "--object-store-durability",
              "sync");
      flags = new ArrayList<>(FLAGS);
      flags.addAll(store);
      env = new HashMap<>(ENV);
      env.putAll(s3.env());
      loop(10);
      DurableFiles.deleteTree(dir);
      ServerProcess.Output recovered =
          ServerProcess.run(
              s3.env(),
              "recover",
              "--from",
              store.get(1),
              "--object-store-endpoint",
              s3.endpoint(),
              "--data-dir",
              dir.toString());
      assertThat(recovered.exitCode()).as(recovered.stdout() + recovered.stderr()).isZero();
      System.out.print(recovered.stdout());
      try (ServerProcess server = ServerProcess.start(dir, List.of(), flags, env)) {
        verify(server, new Random(7));
      }
    }
  }

  private void loop(int cycles) throws Exception {
    Random random = new Random(cycles * 31L);
    try (ServerProcess server = ServerProcess.start(dir, List.of(), flags, env)) {
      a = DBS + "/" + call(server, "POST", DBS, "{\"name\":\"a\"}").at("/result/uuid").asText();
      b = DBS + "/" + call(server, "POST", DBS, "{\"name\":\"b\"}").at("/result/uuid").asText();
      ok(query(server, a, "CREATE TABLE t(req INTEGER, k INTEGER, pad BLOB, PRIMARY KEY(req, k))"));
      ok(query(server, b, "CREATE TABLE b(v INTEGER PRIMARY KEY)"));
      marks.add(new Mark(bookmark(server, b), List.of()));
    }
    long slowestStart = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      long starting = System.nanoTime();
      try (ServerProcess server = ServerProcess.start(dir, List.of(), flags, env)) {
        slowestStart = Math.max(slowestStart, (System.nanoTime() - starting) / 1_000_000);
        List<Integer> model = verify(server, random);
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, AtomicBoolean> busy = new HashMap<>();
        for (String op : List.of("batch", "import", "export", "restore", "bookmark")) {
          busy.put(op, new AtomicBoolean());
        }
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          threads.add(worker(stop, () -> batch(server, busy.get("batch"))));
        }
        threads.add(worker(stop, () -> importOne(server, busy.get("import"))));
        threads.add(worker(stop, () -> exportOne(server, busy.get("export"))));
        Random pick = new Random(cycle);
        List<Integer> bModel = new ArrayList<>(model);
        threads.add(worker(stop, () -> travel(server, pick, bModel, busy)));
        Thread.sleep(500 + random.nextInt(2500));
        busy.forEach(
            (op, on) -> {
              if (on.get()) {
                killedDuring.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
              }
            });
        server.kill();
        stop.set(true);
        for (Thread t : threads) {
          t.join(30_000);
        }
      }
    }
    try (ServerProcess server = ServerProcess.start(dir, List.of(), flags, env)) {
      verify(server, random);
    }
    System.out.printf(
        "crash loop: %d cycles, %d acknowledged requests, %d bookmarks, slowest restart %d ms;"
            + " kills landed during %s%n",
        cycles, acked.size(), marks.size(), slowestStart, killedDuring);
  }

  /** A step a worker repeats until the kill; an I/O error means the server is gone. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private static Thread worker(AtomicBoolean stop, Step step) {
    return Thread.ofPlatform()
        .start(
            () -> {
              while (!stop.get()) {
                try {
                  step.run();
                } catch (UncheckedIOException e) {
                  return;
                } catch (Exception e) {
                  if (!stop.get()) {
                    throw new AssertionError(e);
                  }
                  return;
                }
              }
            });
  }

  /** One write request: N rows under a fresh id, in one batch; large rows now and then. */
  private void batch(ServerProcess server, AtomicBoolean busy) throws Exception {
    long id = nextRequest.getAndIncrement();
    StringBuilder body = new StringBuilder("{\"batch\":[");
    for (int k = 0; k < N; k++) {
      body.append(k == 0 ? "" : ",")
          .append("{\"sql\":\"INSERT INTO t VALUES (?, ?, randomblob(?))\",\"params\":[")
          .append(id)
          .append(',')
          .append(k)
          .append(',')
          .append(id % 10 == 0 ? 20_000 : 200)
          .append("]}");
    }
    busy.set(true);
    JsonNode r = call(server, "POST", a + "/query", body.append("]}").toString());
    busy.set(false);
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    acked.add(id);
  }

  /** One import of N rows under a fresh id, through the whole protocol. */
  private void importOne(ServerProcess server, AtomicBoolean busy) throws Exception {
    long id = nextRequest.getAndIncrement();
    StringBuilder sql = new StringBuilder();
    for (int k = 0; k < N; k++) {
      sql.append("INSERT INTO t VALUES (").append(id).append(',').append(k).append(", x'00');\n");
    }
    byte[] bytes = sql.toString().getBytes(StandardCharsets.UTF_8);
    String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    busy.set(true);
    JsonNode init =
        call(server, "POST", a + "/import", "{\"action\":\"init\",\"etag\":\"" + etag + "\"}");
    D1Client.Reply put =
        client(server)
            .send(
                HttpRequest.newBuilder(URI.create(init.at("/result/upload_url").asText()))
                    .timeout(TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .build());
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    JsonNode s =
        call(
            server,
            "POST",
            a + "/import",
            "{\"action\":\"ingest\",\"etag\":\""
                + etag
                + "\",\"filename\":\""
                + init.at("/result/filename").asText()
                + "\"}");
    while (s.at("/result/status").asText().equals("active")) {
      Thread.sleep(20);
      s =
          call(
              server,
              "POST",
              a + "/import",
              "{\"action\":\"poll\",\"current_bookmark\":\""
                  + s.at("/result/at_bookmark").asText()
                  + "\"}");
    }
    busy.set(false);
    assertThat(s.at("/result/status").asText()).as(s.toString()).isEqualTo("complete");
    acked.add(id);
  }

  private static final Pattern DUMP_ROW = Pattern.compile("INSERT INTO \"?t\"? VALUES\\((\\d+),");

  /** One export of A, downloaded: a consistent snapshot, so every request id has N rows. */
  private void exportOne(ServerProcess server, AtomicBoolean busy) throws Exception {
    busy.set(true);
    JsonNode r = call(server, "POST", a + "/export", "{\"output_format\":\"polling\"}");
    while (r.at("/result/status").asText().equals("active")) {
      Thread.sleep(20);
      r =
          call(
              server,
              "POST",
              a + "/export",
              "{\"output_format\":\"polling\",\"current_bookmark\":\""
                  + r.at("/result/at_bookmark").asText()
                  + "\"}");
    }
    assertThat(r.at("/result/status").asText()).as(r.toString()).isEqualTo("complete");
    D1Client.Reply file =
        client(server)
            .send(
                HttpRequest.newBuilder(URI.create(r.at("/result/result/signed_url").asText()))
                    .timeout(TIMEOUT)
                    .build());
    busy.set(false);
    assertThat(file.status()).isEqualTo(200);
    Map<Long, Integer> rows = new HashMap<>();
    Matcher m = DUMP_ROW.matcher(file.body());
    while (m.find()) {
      rows.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
    }
    assertThat(rows)
        .as("rows per request in an export")
        .allSatisfy((req, n) -> assertThat(n).as("request " + req).isEqualTo(N));
  }

  /** B's single writer: a write then a bookmark of it, or a restore of an older bookmark. */
  private void travel(
      ServerProcess server, Random pick, List<Integer> model, Map<String, AtomicBoolean> busy)
      throws Exception {
    if (pick.nextInt(6) == 0) {
      Mark m = marks.get(pick.nextInt(marks.size()));
      busy.get("restore").set(true);
      JsonNode r = call(server, "POST", b + "/time_travel/restore?bookmark=" + m.bookmark(), null);
      busy.get("restore").set(false);
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      model.clear();
      model.addAll(m.content());
      return;
    }
    int v = (int) nextRequest.getAndIncrement();
    ok(query(server, b, "INSERT INTO b VALUES (" + v + ")"));
    model.add(v);
    Collections.sort(model);
    busy.get("bookmark").set(true);
    String bookmark = bookmark(server, b);
    busy.get("bookmark").set(false);
    marks.add(new Mark(bookmark, List.copyOf(model)));
  }

  /**
   * Checks both databases after a restart; returns B's content, which it sets to the newest mark's
   * (the last write may have been unacknowledged).
   */
  private List<Integer> verify(ServerProcess server, Random random) throws Exception {
    JsonNode groups =
        query(server, a, "SELECT req, count(*) AS n FROM t GROUP BY req").at("/result/0/results");
    Map<Long, Integer> present = new HashMap<>();
    groups.forEach(g -> present.put(g.get("req").asLong(), g.get("n").asInt()));
    assertThat(present.keySet()).as("acknowledged requests").containsAll(acked);
    assertThat(present)
        .as("rows per request: all N or none")
        .allSatisfy((req, n) -> assertThat(n).as("request " + req).isEqualTo(N));
    for (String db : List.of(a, b)) {
      assertThat(Integrity.check(dir, db)).isEqualTo("ok");
    }
    List<Mark> check = new ArrayList<>();
    synchronized (marks) {
      for (int i = 0; i < 3; i++) {
        check.add(marks.get(random.nextInt(marks.size())));
      }
      check.add(marks.getLast());
    }
    for (Mark m : check) {
      JsonNode r = call(server, "POST", b + "/time_travel/restore?bookmark=" + m.bookmark(), null);
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      List<Integer> content = new ArrayList<>();
      query(server, b, "SELECT v FROM b ORDER BY v")
          .at("/result/0/results")
          .forEach(row -> content.add(row.get("v").asInt()));
      assertThat(hash(content)).as("content at " + m.bookmark()).isEqualTo(hash(m.content()));
    }
    return check.getLast().content();
  }

  private static String hash(List<Integer> values) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int v : values) {
      sha.update((v + ",").getBytes(StandardCharsets.US_ASCII));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void ok(JsonNode r) {
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
  }

  private static String bookmark(ServerProcess server, String db) {
    return call(server, "GET", db + "/time_travel/bookmark", null).at("/result/bookmark").asText();
  }

  private static JsonNode query(ServerProcess server, String db, String sql) {
    return call(
        server, "POST", db + "/query", D1Client.JSON.createObjectNode().put("sql", sql).toString());
  }

  /** The tests' driver, as the test's caller; a request the killed server never answers ends. */
  private static D1Client client(ServerProcess server) {
    return new D1Client(server.baseUrl(), Map.of("Authorization", "Bearer " + TOKEN), TIMEOUT);
  }

  /** One request through the tests' driver; a reply that is not JSON means the server is gone. */
  private static JsonNode call(ServerProcess server, String method, String path, String body) {
    D1Client.Reply reply = client(server).send(method, path, body);
    if (reply.json() == null) {
      throw new UncheckedIOException(
          new IOException("not JSON (" + reply.status() + "): " + reply.body()));
    }
    return reply.json();
  }
}
