package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that stop reading a streamed result cost their own requests only: the engine's threads
 * and a database's read connections go on serving everyone else, the engine never waits for such a
 * client past the time limit, and the results it could not send are deleted from disk.
 */
class SlowReaderTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String create(String name) {
    Reply r = client.post(databases(), "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return databases() + "/" + r.result().get("uuid").asText() + "/query";
  }

  /** A database whose {@code SELECT * FROM t} answers about 10 MB of JSON. */
  private String big() {
    String q = create("big");
    Reply r =
        client.post(
            q,
            sql(
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                    + " INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1"
                    + " FROM c WHERE x < 5000) SELECT x, hex(randomblob(1000)) FROM c"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return q;
  }

  /** Sends {@code body} to {@code path} on a connection whose reader reads nothing. */
  private Socket stalled(String path, String body) throws IOException {
    URI uri = URI.create(server.baseUrl());
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TestServer.TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
    return s;
  }

  /** Runs a small read and returns how long it took. */
  private Duration timed(String query) {
    long start = System.nanoTime();
    Reply r = client.post(query, sql("SELECT count(*) AS n FROM t"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private long spillFiles() throws IOException {
    Path tmp = server.dataDir().resolve("tmp");
    if (!Files.exists(tmp)) {
      return 0;
    }
    try (var f = Files.list(tmp)) {
      return f.count();
    }
  }

  private void awaitNoSpill() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while ((spillFiles() > 0 || server.engine().spilledBytes() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(spillFiles()).as("spill files left").isZero();
    assertThat(server.engine().spilledBytes()).isZero();
  }

  @Test
  void twentyFourClientsThatStopReadingFreezeNoDatabase() throws Exception {
    server = TestServer.start(dir);
    client = server.client();
    String big = big();
    String other = create("other");
    assertThat(client.post(other, sql("CREATE TABLE t(a); INSERT INTO t VALUES (1)")).status())
        .isEqualTo(200);
    List<Socket> stalled = new ArrayList<>();
    try {
      // More clients than the engine has threads (16) and the database has readers (4).
      for (int i = 0; i < 24; i++) {
        stalled.add(stalled(big, sql("SELECT * FROM t")));
      }
      for (Socket s : stalled) {
        InputStream in = s.getInputStream();
        assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
            .isEqualTo("HTTP/1.1 200");
      }
      // Every stalled response has started; everyone else is served as usual, on another
      // database and on the same one.
      for (int i = 0; i < 5; i++) {
        assertThat(timed(other)).isLessThan(Duration.ofSeconds(5));
        assertThat(timed(big)).isLessThan(Duration.ofSeconds(5));
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
    awaitNoSpill();
  }

  @Test
  void theEngineWaitsForAClientThatStopsReadingNoLongerThanTheTimeLimit() throws Exception {
    // One engine thread, and room on disk for 4 MiB of one request's unsent results: a client
    // that reads nothing of a 10 MB answer makes the engine wait, but only until the time limit.
    server =
        TestServer.start(
            dir,
            Map.of(
                "sql-threads", "1",
                "query-timeout-ms", "1500",
                "max-spill-bytes-per-request", "4194304"));
    client = server.client();
    String big = big();
    String other = create("other");
    assertThat(client.post(other, sql("CREATE TABLE t(a); INSERT INTO t VALUES (1)")).status())
        .isEqualTo(200);
    try (Socket s = stalled(big, sql("SELECT * FROM t"))) {
      assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
      // Before: the engine's only thread stayed blocked on this socket until Jetty's idle
      // timeout (30 s). Now it is free at the latest when the request's time limit is up.
      assertThat(timed(other)).isLessThan(Duration.ofSeconds(10));
    }
    awaitNoSpill();
  }
}
