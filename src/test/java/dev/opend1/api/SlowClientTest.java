package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow client cannot hold a database's single writer: a write's body is read whole before it
 * queues for the writer, and its response is held and sent after the writer is free. Other writes
 * to the same database go on meanwhile.
 */
class SlowClientTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String query;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"slow\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
    assertThat(client.post(query, sql("CREATE TABLE t(a INTEGER, b BLOB)")).status())
        .isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Socket open() throws Exception {
    URI uri = URI.create(server.baseUrl());
    Socket s = new Socket(uri.getHost(), uri.getPort());
    s.setSoTimeout(60_000);
    return s;
  }

  private String head(int length) {
    return "POST "
        + query
        + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + TestServer.TOKEN
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + length
        + "\r\n\r\n";
  }

  private void othersWrite(int from) {
    for (int i = from; i < from + 5; i++) {
      Reply r = client.post(query, sql("INSERT INTO t VALUES (?, NULL)", i));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  @Test
  void aWriteWhoseBodyComesSlowlyDoesNotHoldTheWriter() throws Exception {
    byte[] body = sql("INSERT INTO t VALUES (-1, NULL)").getBytes(StandardCharsets.UTF_8);
    try (Socket slow = open()) {
      OutputStream out = slow.getOutputStream();
      out.write(head(body.length).getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      // Half the body is sent and the rest withheld: writes to the same database go on.
      othersWrite(0);
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      String reply = new String(slow.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(reply).isEqualTo("HTTP/1.1 200");
    }
    assertThat(
            client
                .post(query, sql("SELECT count(*) AS n FROM t"))
                .result()
                .at("/0/results/0/n")
                .asInt())
        .isEqualTo(6);
  }

  @Test
  void aWriteWhoseResponseIsReadSlowlyDoesNotHoldTheWriter() throws Exception {
    // A write whose answer (about 8 MB of JSON) is far more than the socket buffers hold.
    String big =
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20)"
            + " SELECT 1000 + x, randomblob(100000) FROM c RETURNING a, b";
    byte[] body = sql(big).getBytes(StandardCharsets.UTF_8);
    try (Socket slow = open()) {
      slow.setReceiveBufferSize(64 * 1024);
      OutputStream out = slow.getOutputStream();
      out.write(head(body.length).getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = slow.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 200");
      // The response has started and the client stops reading: other writes go on.
      othersWrite(0);
      ByteArrayOutputStream headers = new ByteArrayOutputStream();
      while (!headers.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        headers.write(in.read());
      }
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?i)content-length: (\\d+)")
              .matcher(headers.toString(StandardCharsets.US_ASCII));
      assertThat(m.find()).as("a held response has a length").isTrue();
      byte[] json = in.readNBytes(Integer.parseInt(m.group(1)));
      var reply = D1Client.JSON.readTree(json);
      assertThat(reply.path("success").asBoolean()).isTrue();
      assertThat(reply.at("/result/0/results")).hasSize(20);
    }
    assertThat(
            client
                .post(query, sql("SELECT count(*) AS n FROM t"))
                .result()
                .at("/0/results/0/n")
                .asInt())
        .isEqualTo(25);
  }
}
