package dev.opend1.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, one request per connection, bytes exactly as given: what a hostile
 * client sends, without the cleaning a real HTTP client does (no header checks, any
 * Content-Length). An answer must come within {@link #TIMEOUT_MS}, else the request counts as hung.
 */
public final class RawHttp {

  public static final int TIMEOUT_MS = 30_000;

  private RawHttp() {}

  /** A parsed answer; the body is de-chunked and, when gzipped, decompressed. */
  public record Response(int status, String head, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON, or null when it is not JSON. */
    public JsonNode json() {
      try {
        return body.length == 0 ? null : D1Client.JSON.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }
  }

  /** A well-formed request with {@code Connection: close} and, with a body, its Content-Length. */
  public static byte[] request(String method, String target, List<String> headers, byte[] body) {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    if (body != null) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    sb.append("Connection: close\r\n\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head);
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** Sends the bytes, closes the sending side, and reads the answer to its end. */
  public static Response send(int port, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
        s.shutdownOutput();
      } catch (IOException e) {
        // The server may answer and close before it has read everything (413, 400): read on.
      }
      byte[] all = readAll(s.getInputStream());
      return parse(all);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16384];
    long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        if (System.nanoTime() > deadline) {
          throw new IOException("answer not finished within " + TIMEOUT_MS + " ms");
        }
      }
    } catch (java.net.SocketException e) {
      // A reset after the answer was sent (the server closed with unread input): keep what came.
      if (out.size() == 0) {
        throw e;
      }
    }
    return out.toByteArray();
  }

  private static Response parse(byte[] all) throws IOException {
    int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (end < 0) {
      throw new IOException("no HTTP answer: " + all.length + " bytes");
    }
    String head = new String(all, 0, end, StandardCharsets.ISO_8859_1);
    String[] statusLine = head.split("\r\n", 2)[0].split(" ");
    int status = Integer.parseInt(statusLine[1]);
    if (status >= 100 && status < 200) {
      // An interim answer (100 Continue): the real one follows.
      return parse(java.util.Arrays.copyOfRange(all, end + 4, all.length));
    }
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      body = dechunk(body);
    }
    if (head.toLowerCase(Locale.ROOT).contains("content-encoding: gzip")) {
      // The server compresses larger answers when the request accepts gzip, as HTTP allows.
      try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
        body = in.readAllBytes();
      }
    }
    return new Response(status, head, body);
  }

  private static byte[] dechunk(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (true) {
      int eol = indexOf(in, new byte[] {'\r', '\n'}, i);
      if (eol < 0) {
        throw new IOException("truncated chunked body");
      }
      String size = new String(in, i, eol - i, StandardCharsets.US_ASCII).split(";")[0].trim();
      int n = Integer.parseInt(size, 16);
      if (n == 0) {
        return out.toByteArray();
      }
      if (eol + 2 + n > in.length) {
        throw new IOException("truncated chunk");
      }
      out.write(in, eol + 2, n);
      i = eol + 2 + n + 2;
    }
  }

  private static int indexOf(byte[] a, byte[] b, int from) {
    outer:
    for (int i = from; i <= a.length - b.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (a[i + j] != b[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Reads a request's head, up to and with its blank line, from a stand-in server's socket; for
   * tests that play the other side of a connection.
   */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("no request");
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** The request for a failure message: its head, and at most 300 bytes of body, escaped. */
  public static String show(byte[] request) {
    String s = new String(request, 0, Math.min(request.length, 1500), StandardCharsets.ISO_8859_1);
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
        sb.append(c);
      } else if (c != '\r') {
        sb.append(String.format("\\x%02x", (int) c));
      }
    }
    return sb + (request.length > 1500 ? "...(" + request.length + " bytes)" : "");
  }
}
