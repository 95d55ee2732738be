package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opend1.testing.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of new clients is queued by the kernel until the server accepts them, not refused: the
 * listen backlog ({@code listen-backlog}, 1024) holds 300 connections made while the server cannot
 * accept at all (the JDK's default of 50 held 51, and the rest timed out or were reset).
 */
class ListenBacklogTest {

  @TempDir Path dir;

  private static int signal(String sig, long pid) throws Exception {
    return new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor();
  }

  @Test
  void threeHundredClientsConnectingAtOnceAreAllQueued() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), Map.of())) {
      int port = server.port();
      // Stopped, the server accepts nothing: only the kernel's queue holds new connections.
      assumeTrue(signal("STOP", server.pid()) == 0, "kill -STOP is available");
      List<SocketChannel> clients = new ArrayList<>();
      try (Selector selector = Selector.open()) {
        for (int i = 0; i < 300; i++) {
          SocketChannel c = SocketChannel.open();
          c.setOption(StandardSocketOptions.SO_LINGER, 0);
          c.configureBlocking(false);
          clients.add(c);
          if (!c.connect(new InetSocketAddress("127.0.0.1", port))) {
            c.register(selector, SelectionKey.OP_CONNECT);
          }
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!selector.keys().isEmpty() && System.nanoTime() < deadline) {
          selector.select(200);
          for (SelectionKey k : selector.selectedKeys()) {
            try {
              if (((SocketChannel) k.channel()).finishConnect()) {
                k.cancel();
              }
            } catch (IOException refused) {
              k.cancel();
            }
          }
          selector.selectedKeys().clear();
          selector.selectNow();
        }
        long connected = clients.stream().filter(SocketChannel::isConnected).count();
        assertThat(connected).as("connections the kernel queued").isEqualTo(300);
      } finally {
        signal("CONT", server.pid());
      }
      // Once the server runs again, every queued client is served.
      int served = 0;
      for (SocketChannel c : clients) {
        try (c) {
          if (!c.isConnected()) {
            continue;
          }
          c.configureBlocking(true);
          c.write(
              ByteBuffer.wrap(
                  "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII)));
          ByteBuffer status = ByteBuffer.allocate(12);
          while (status.hasRemaining() && c.read(status) >= 0) {
            // reads the status line's start
          }
          if (new String(status.array(), StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
            served++;
          }
        }
      }
      assertThat(served).isEqualTo(300);
    }
  }
}
