package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.Golden;
import dev.opend1.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bodies over max-body-bytes are refused with 413, and a declared one before it is read. */
class BodyLimitTest {

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir, Map.of("max-body-bytes", "1000"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static String bodyOf(int bytes) {
    return "{\"name\":\"x\",\"pad\":\"" + "a".repeat(bytes) + "\"}";
  }

  @Test
  void aBodyWithinTheLimitIsRead() {
    assertThat(server.client().post(databases(), bodyOf(900)).status()).isEqualTo(200);
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedWithoutReadingTheBody() throws Exception {
    URI uri = URI.create(server.baseUrl());
    try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      // Promise a gigabyte and send none of it: the answer must come anyway.
      out.write(
          ("POST "
                  + databases()
                  + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + TestServer.TOKEN
                  + "\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 413");
    }
    Golden.assertMatches(server.client().post(databases(), bodyOf(2000)), "too-large.json");
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefused() {
    byte[] body = bodyOf(5000).getBytes(StandardCharsets.UTF_8);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + databases()))
            .header("Authorization", "Bearer " + TestServer.TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    Reply r = server.client().send(req);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorMessage()).contains("1000 bytes");
    assertThat(server.client().get(databases()).result()).isEmpty();
  }
}
