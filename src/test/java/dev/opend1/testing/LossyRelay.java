package dev.opend1.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay in front of an S3 API server that can lose one reply, or strip conditional writes:
 * the next {@code PUT} whose path contains a given text is passed on whole (the server stores the
 * object), and then the connection is closed instead of the server's answer being passed back. The
 * client sees what a timeout or a reset connection looks like, while the upload did happen; the
 * SDK's retry then finds the object there (412 to {@code If-None-Match: *}).
 *
 * <p>Requests are read head and body ({@code Content-Length}) so their starts are known; replies
 * are passed back byte for byte, but for an interim {@code 100 Continue}, which is passed back
 * before a lost reply too.
 */
public final class LossyRelay implements AutoCloseable {

  private final ServerSocket listener;
  private final int upstreamPort;

  /** The path text of the next PUT whose reply is lost; null when none is armed. */
  private final AtomicReference<String> loseNext = new AtomicReference<>();

  /** The path text of every PUT whose reply is lost until {@link #keepReplies}; null when none. */
  private volatile String loseEvery;

  /** Replies lost so far. */
  private final AtomicInteger lost = new AtomicInteger();

  /** Whether {@code If-None-Match} is taken out of every request: a store that ignores it. */
  private volatile boolean stripConditions;

  /** Conditions taken out so far. */
  private final AtomicInteger stripped = new AtomicInteger();

  /** Guards the hold below: requests wait on it while it is on. */
  private final Object holdLock = new Object();

  /**
   * The method and path text of requests held back, and how many more of them pass first; null when
   * none.
   */
  private String holdPath;

  private String holdMethod;

  private int passBeforeHold;

  private LossyRelay(ServerSocket listener, int upstreamPort) {
    this.listener = listener;
    this.upstreamPort = upstreamPort;
  }

  /** A relay on a free loopback port to {@code 127.0.0.1:upstreamPort}. */
  public static LossyRelay start(int upstreamPort) throws IOException {
    LossyRelay r =
        new LossyRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstreamPort);
    Thread t = new Thread(r::accept, "lossy-relay");
    t.setDaemon(true);
    t.start();
    return r;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** The reply to the next PUT whose path contains {@code pathPart} will be lost. */
  public void loseNextPutReply(String pathPart) {
    loseNext.set(pathPart);
  }

  /**
   * The replies to every PUT whose path contains {@code pathPart} are lost, the SDK's retries' too,
   * until {@link #keepReplies}: an upload that was stored while its sender gave up on it (a store
   * answering after the client's time limit, or going down between storing and answering).
   */
  public void losePutReplies(String pathPart) {
    loseEvery = pathPart;
  }

  /** Replies are passed back again (see {@link #losePutReplies}). */
  public void keepReplies() {
    loseEvery = null;
  }

  /**
   * From now on, every request reaches the store without its {@code If-None-Match} header, as if
   * the store ignored it (so an existing object is replaced). The header is signed: the store
   * behind must not check signatures ({@link S3Proxy#start(Path, boolean)}).
   */
  public void stripConditionalWrites() {
    stripConditions = true;
  }

  /**
   * From now on, {@code GET}s whose path contains {@code pathPart} pass {@code passFirst} times,
   * then wait (each on its connection) until {@link #release}: a store that is slow for as long as
   * the test likes.
   */
  public void holdGets(String pathPart, int passFirst) {
    hold("GET", pathPart, passFirst);
  }

  /**
   * As {@link #holdGets}, for requests of {@code method} ({@code PUT}: an upload that reaches the
   * store only when released, whatever its sender does meanwhile).
   */
  public void hold(String method, String pathPart, int passFirst) {
    synchronized (holdLock) {
      holdMethod = method;
      holdPath = pathPart;
      passBeforeHold = passFirst;
    }
  }

  /** Lets every held request go on, and holds no more. */
  public void release() {
    synchronized (holdLock) {
      holdPath = null;
      holdLock.notifyAll();
    }
  }

  private void maybeHold(String requestLine) throws IOException {
    synchronized (holdLock) {
      if (holdPath == null
          || !requestLine.startsWith(holdMethod + " ")
          || !requestLine.contains(holdPath)) {
        return;
      }
      if (passBeforeHold > 0) {
        passBeforeHold--;
        return;
      }
      while (holdPath != null) {
        try {
          holdLock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while held");
        }
      }
    }
  }

  /** How many {@code If-None-Match} headers were taken out. */
  public int stripped() {
    return stripped.get();
  }

  /** How many replies were lost. */
  public int lost() {
    return lost.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        Connection c = new Connection(client, server);
        Thread up = new Thread(c::requests, "lossy-relay-up");
        Thread down = new Thread(c::replies, "lossy-relay-down");
        up.setDaemon(true);
        down.setDaemon(true);
        up.start();
        down.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** One client connection and its connection to the server. */
  private final class Connection {
    private final Socket client;
    private final Socket server;
    private volatile boolean loseReply;

    Connection(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    /** Client to server: request by request, arming the loss on the chosen PUT. */
    void requests() {
      try (InputStream in = client.getInputStream();
          OutputStream out = server.getOutputStream()) {
        while (true) {
          byte[] head = readHead(in);
          if (head == null) {
            return;
          }
          String text = new String(head, StandardCharsets.ISO_8859_1);
          String line = text.substring(0, text.indexOf("\r\n"));
          String armed = loseNext.get();
          String every = loseEvery;
          if (every != null && line.startsWith("PUT ") && line.contains(every)) {
            loseReply = true;
          }
          if (armed != null
              && line.startsWith("PUT ")
              && line.contains(armed)
              && loseNext.compareAndSet(armed, null)) {
            loseReply = true;
          }
          maybeHold(line);
          if (stripConditions) {
            head = withoutConditions(text);
          }
          out.write(head);
          out.flush();
          long length = contentLength(text);
          byte[] buf = new byte[8192];
          while (length > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length));
            if (n < 0) {
              return;
            }
            out.write(buf, 0, n);
            length -= n;
          }
          out.flush();
        }
      } catch (IOException e) {
        closeBoth();
      }
    }

    /** Server to client: byte for byte, unless the reply is to be lost. */
    void replies() {
      try (InputStream in = server.getInputStream();
          OutputStream out = client.getOutputStream()) {
        byte[] buf = new byte[8192];
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            closeBoth();
            return;
          }
          if (loseReply) {
            String start = new String(buf, 0, Math.min(n, 12), StandardCharsets.ISO_8859_1);
            if (!start.startsWith("HTTP/1.1 100")) {
              // The server has stored the object and answered: the client never hears of it.
              lost.incrementAndGet();
              closeBoth();
              return;
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        closeBoth();
      }
    }

    private void closeBoth() {
      try {
        client.close();
      } catch (IOException ignored) {
        // already closed
      }
      try {
        server.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** A request head without its {@code If-None-Match} line. */
  private byte[] withoutConditions(String head) {
    StringBuilder kept = new StringBuilder();
    for (String line : head.split("\r\n", -1)) {
      if (line.toLowerCase(Locale.ROOT).startsWith("if-none-match:")) {
        stripped.incrementAndGet();
        continue;
      }
      kept.append(line).append("\r\n");
    }
    // split kept the two empty strings after the final CRLF CRLF: one CRLF too many now.
    kept.setLength(kept.length() - 2);
    return kept.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A request's head up to and including its blank line, or null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static long contentLength(String head) {
    for (String h : head.split("\r\n")) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        throw new IllegalStateException("the relay reads Content-Length bodies only: " + h);
      }
      if (lower.startsWith("content-length:")) {
        return Long.parseLong(h.substring(h.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
