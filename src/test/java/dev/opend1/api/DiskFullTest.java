package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.IdleClose;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server whose data directory is on a small file system of its own (a 64 MiB tmpfs): no request
 * fills the disk with results it holds, and when the disk is full for other reasons, every write
 * says so ("the server's disk is full", 507) instead of "internal error" or "Exceeded maximum DB
 * size", and a database serves again as soon as space is back.
 *
 * <p>Mounting needs root (CAP_SYS_ADMIN), which CI has; elsewhere these tests are skipped.
 */
class DiskFullTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  Path mount;
  TestServer server;
  D1Client client;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    mount = Files.createTempDirectory("opend1-small-disk");
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    if (!mounted) {
      Files.deleteIfExists(mount);
    }
    assumeTrue(mounted, "mounting a tmpfs needs root; skipped");
    server = TestServer.start(mount.resolve("data"));
    client = server.client();
  }

  @AfterEach
  void unmount() throws Exception {
    if (server != null) {
      server.close();
    }
    new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
    Files.deleteIfExists(mount);
  }

  private String create(String name) {
    Reply r = client.post(databases(), "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return databases() + "/" + r.result().get("uuid").asText();
  }

  private Reply ok(String path, String body) {
    Reply r = client.post(path, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  private long tmpFiles() throws IOException {
    Path tmp = server.dataDir().resolve("tmp");
    if (!Files.exists(tmp)) {
      return 0;
    }
    try (var f = Files.list(tmp)) {
      return f.count();
    }
  }

  private static void assertDiskFull(Reply r, String message) {
    assertThat(r.status()).as(r.body()).isEqualTo(507);
    assertThat(r.errorCode()).isEqualTo(7500);
    // Every 5xx message ends with the request's id as its reference (docs/operating.md).
    assertThat(r.errorMessage())
        .isEqualTo("the server's disk is full: " + message + "; reference = " + r.requestId());
  }

  /**
   * Fills the file system until {@code leave} bytes are free, once the server's background work
   * (history snapshots) has settled.
   */
  private Path fill(long leave) throws Exception {
    long before;
    long now = usable();
    do {
      before = now;
      Thread.sleep(300);
      now = usable();
    } while (now != before);
    Path filler = mount.resolve("filler");
    ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
    try (FileChannel ch =
        FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long todo = now - leave;
      try {
        while (todo > 0) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), todo));
          todo -= ch.write(zeros);
        }
      } catch (IOException full) {
        // Something else wrote meanwhile: give back what is needed below.
      }
      if (usable() < leave) {
        ch.truncate(Math.max(0, ch.size() - (leave - usable())));
      }
    }
    return filler;
  }

  /**
   * Writes to {@code filler} until the file system refuses another byte, and again until no space
   * comes back for half a second: the server may still be giving space back after it answered (a
   * failed write's rolled-back pages, a spill file removed once the writer's round ends).
   */
  private void topUp(Path filler) throws Exception {
    int quiet = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (quiet < 5 && System.nanoTime() < deadline) {
      quiet = fillUp(filler) == 0 ? quiet + 1 : 0;
      Thread.sleep(100);
    }
  }

  /** Writes to {@code filler} until the file system refuses another byte: the bytes it took. */
  private static long fillUp(Path filler) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocate(4096);
    long took = 0;
    try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.APPEND)) {
      int n;
      while ((n = ch.write(zeros.clear())) > 0) {
        took += n;
      }
    } catch (IOException full) {
      // The disk is full: what this was for.
    }
    return took;
  }

  private long usable() throws IOException {
    return Files.getFileStore(mount).getUsableSpace();
  }

  @Test
  void aResultThatWouldFillTheDiskIsRefusedAndLeavesNothingBehind() throws Exception {
    String a = create("a");
    String b = create("b");
    ok(a + "/query", sql("CREATE TABLE t(x)"));
    ok(b + "/query", sql("CREATE TABLE t(x)"));
    // The case: 300 rows of 1.9 MB BLOBs held until the commit, about 1.1 GB of JSON.
    Reply r =
        client.post(
            a + "/query",
            sql(
                "INSERT INTO t WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
                    + " WHERE i < 300) SELECT 1 FROM c RETURNING zeroblob(1900000)"));
    assertDiskFull(r, "the request's results could not be held");
    assertThat(tmpFiles()).as("spill files left").isZero();
    assertThat(server.engine().spilledBytes()).isZero();
    // Nothing was applied, and every database still takes writes.
    assertThat(ok(a + "/query", sql("SELECT count(*) AS n FROM t")).result().at("/0/results/0/n"))
        .hasToString("0");
    ok(b + "/query", sql("INSERT INTO t VALUES (1)"));
    ok(a + "/query", sql("INSERT INTO t VALUES (1)"));
  }

  @Test
  void everyKindOfWriteSaysTheDiskIsFull() throws Exception {
    String a = create("a");
    // Large enough that a restore's image cannot be built in what is left.
    ok(a + "/query", sql("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(300000))"));
    String bookmark = client.get(a + "/time_travel/bookmark").result().get("bookmark").asText();
    ok(a + "/query", sql("INSERT INTO t VALUES (2)"));
    // An import whose file is uploaded while there is room, and ingested when there is none.
    StringBuilder dump = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      dump.append("INSERT INTO t VALUES (randomblob(2000));\n");
    }
    byte[] bytes = dump.toString().getBytes(StandardCharsets.UTF_8);
    String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    JsonNode init =
        client.post(a + "/import", "{\"action\":\"init\",\"etag\":\"" + etag + "\"}").result();
    assertThat(put(init.get("upload_url").asText(), bytes).statusCode()).isEqualTo(200);
    JsonNode other =
        client
            .post(a + "/import", "{\"action\":\"init\",\"etag\":\"" + "0".repeat(32) + "\"}")
            .result();

    Path filler = fill(16 * 1024);
    assertDiskFull(client.post(databases(), "{\"name\":\"c\"}"), "the database was not created");
    assertDiskFull(
        client.post(a + "/time_travel/restore?bookmark=" + bookmark, null),
        "the database was not restored");
    HttpResponse<String> upload = put(other.get("upload_url").asText(), new byte[200_000]);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(507);
    assertThat(upload.body()).contains("the server's disk is full: the upload was not stored");
    Reply write = client.post(a + "/query", sql("INSERT INTO t VALUES (randomblob(500000))"));
    assertDiskFull(write, "SQLITE_FULL");
    JsonNode s =
        client
            .post(
                a + "/import",
                "{\"action\":\"ingest\",\"etag\":\""
                    + etag
                    + "\",\"filename\":\""
                    + init.get("filename").asText()
                    + "\"}")
            .result();
    while (s.get("status").asText().equals("active")) {
      s =
          client
              .post(
                  a + "/import",
                  "{\"action\":\"poll\",\"current_bookmark\":\""
                      + s.get("at_bookmark").asText()
                      + "\"}")
              .result();
    }
    assertThat(s.get("status").asText()).isEqualTo("error");
    assertThat(s.get("error").asText())
        .isEqualTo("the server's disk is full: the import was not applied");

    // Space is back: everything works again, and nothing half-done was left behind.
    Files.delete(filler);
    assertThat(client.post(databases(), "{\"name\":\"c\"}").status()).isEqualTo(200);
    assertThat(ok(a + "/query", sql("SELECT count(*) AS n FROM t")).result().at("/0/results/0/n"))
        .hasToString("2");
    ok(a + "/query", sql("INSERT INTO t VALUES (3)"));
    assertThat(client.post(a + "/time_travel/restore?bookmark=" + bookmark, null).status())
        .isEqualTo(200);
    try (var dbs = Files.list(server.dataDir().resolve("db"))) {
      assertThat(dbs.count()).as("database directories").isEqualTo(2);
    }
  }

  @Test
  void readsServeAgainOnceSpaceIsBackAfterAFailedHistoryAppend() throws Exception {
    String a = create("a");
    // 8 MB: rebuilding it after a failed append needs more room than the full disk has.
    ok(
        a + "/query",
        sql(
            "CREATE TABLE t(x); INSERT INTO t WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT"
                + " i + 1 FROM c WHERE i < 80) SELECT randomblob(100000) FROM c"));
    // Leave room for SQLite's WAL frames of a 100 kB row but not for their history record too.
    Path filler = null;
    Reply failed = null;
    for (long leave : new long[] {160_000, 200_000, 240_000, 280_000}) {
      filler = fill(leave);
      failed = client.post(a + "/query", sql("INSERT INTO t VALUES (randomblob(100000))"));
      if (failed.status() != 200) {
        break;
      }
      Files.delete(filler);
      filler = null;
    }
    assumeTrue(filler != null, "no free-space size made the history append fail");
    assertDiskFull(failed, "the write was not applied");
    Reply read = client.post(a + "/query", sql("SELECT count(*) AS n FROM t"));
    assertThat(read.status()).as(read.body()).isEqualTo(507);
    try (var files = Files.list(server.dataDir().resolve("db"))) {
      assertThat(files.flatMap(DiskFullTest::list).map(Path::toString))
          .noneMatch(n -> n.endsWith(".rebuild.tmp"));
    }

    Files.delete(filler);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    do {
      Thread.sleep(100);
      read = client.post(a + "/query", sql("SELECT count(*) AS n FROM t"));
    } while (read.status() != 200 && System.nanoTime() < deadline);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.result().at("/0/results/0/n").asLong()).isBetween(80L, 83L);
    ok(a + "/query", sql("INSERT INTO t VALUES (1)"));
  }

  @Test
  void anOpenDatabaseServesReadsWhileTheDiskIsFullAndAClosedOneSaysWhy() throws Exception {
    String a = create("a");
    String b = create("b");
    ok(a + "/query", sql("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)"));
    ok(b + "/query", sql("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)"));
    IdleClose.closeAll(server.engine());
    ok(a + "/query", sql("SELECT 1"));
    Path filler = fill(0);
    Reply read = client.post(a + "/query", sql("SELECT count(*) AS n FROM t"));
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.result().at("/0/results/0/n").asLong()).isEqualTo(2);
    assertDiskFull(
        client.post(a + "/query", sql("INSERT INTO t VALUES (randomblob(500000))")), "SQLITE_FULL");
    // Opening a database takes SQLite 32 KB of disk (its shared-memory index): on a disk with
    // none left, a closed database says so rather than "internal error". The failed write above
    // may have given some space back (its rolled-back pages, a spill file): take it again first.
    topUp(filler);
    assertDiskFull(
        client.post(b + "/query", sql("SELECT count(*) AS n FROM t")),
        "the request could not be completed");
    Files.delete(filler);
    ok(a + "/query", sql("INSERT INTO t VALUES (3)"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    do {
      Thread.sleep(100);
      read = client.post(b + "/query", sql("SELECT count(*) AS n FROM t"));
    } while (read.status() != 200 && System.nanoTime() < deadline);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
  }

  private static java.util.stream.Stream<Path> list(Path dir) {
    try {
      return Files.list(dir).toList().stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> put(String url, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
