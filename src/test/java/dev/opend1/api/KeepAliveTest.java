package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.RawHttp;
import dev.opend1.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Idle connections are closed after the connector's idle timeout (120 s), so the server says so
 * ({@code Keep-Alive: timeout=120}, RFC 9112 appendix C.2.2 / MDN "Keep-Alive"); undici (Node's
 * fetch, wrangler) reads it and retires a pooled socket before the server closes it. Reported by a
 * real client run: a Node client reused a closed socket once ({@code UND_ERR_SOCKET}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepAliveTest {

  @TempDir static Path dir;
  TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "HTTP/1.1 |                   | Keep-Alive: timeout=120",
        "HTTP/1.1 | Connection: close |",
        "HTTP/1.0 |                   |",
      })
  void idleConnectionsAdvertiseTheirTimeout(String version, String header, String expected)
      throws Exception {
    String request =
        "GET /healthz "
            + version
            + "\r\nHost: 127.0.0.1\r\n"
            + (header == null ? "" : header + "\r\n")
            + "\r\n";
    RawHttp.Response r = RawHttp.send(server.port(), request.getBytes(StandardCharsets.US_ASCII));
    assertThat(r.status()).isEqualTo(200);
    if (expected == null) {
      assertThat(r.head()).doesNotContainIgnoringCase("keep-alive: timeout");
    } else {
      assertThat(r.head()).contains(expected);
    }
  }
}
