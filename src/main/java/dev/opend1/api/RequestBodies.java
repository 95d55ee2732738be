package dev.opend1.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Reads request bodies within the configured limit: a declared {@code Content-Length} over it is
 * refused before a byte is read, and a chunked body is cut off as soon as it passes it. Every JSON
 * string read must be Unicode text ({@link UnicodeText}).
 */
final class RequestBodies {

  private final long maxBytes;

  RequestBodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * The request's body: from its start, also when forwarding read its head to decide where the
   * request goes ({@link ReplicaReads.BodyHead#keepFor}) and then served it here.
   */
  static InputStream stream(Context ctx) throws IOException {
    ReplicaReads.BodyHead head = ctx.attribute(ReplicaReads.READ_AHEAD);
    if (head == null) {
      return ctx.req().getInputStream();
    }
    InputStream read = new ByteArrayInputStream(head.bytes());
    return head.whole() ? read : new SequenceInputStream(read, ctx.req().getInputStream());
  }

  /** Refuses a body whose declared length is over the limit, without reading it. */
  void checkDeclaredLength(Context ctx) {
    checkDeclaredLength(ctx.req().getContentLengthLong());
  }

  private void checkDeclaredLength(long declared) {
    if (declared > maxBytes) {
      throw new D1Exception.PayloadTooLarge(maxBytes);
    }
  }

  /** The whole body, at most the limit. */
  byte[] readBytes(Context ctx) {
    checkDeclaredLength(ctx);
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = stream(ctx)) {
      if (declared >= 0) {
        // The usual case: the length is known (and within the limit), so read it in one piece.
        return in.readNBytes((int) declared);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[16 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          throw new D1Exception.PayloadTooLarge(maxBytes);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new D1Exception.InvalidRequest("Could not read the request body: " + e.getMessage());
    }
  }

  /**
   * The body as a JSON object. An empty body is an empty object when {@code emptyAllowed}, else a
   * 7400 error; anything but an object is a 7400 error naming what was found.
   */
  ObjectNode readObject(Context ctx, boolean emptyAllowed) {
    byte[] bytes = readBytes(ctx);
    if (isBlank(bytes)) {
      if (emptyAllowed) {
        return Json.MAPPER.createObjectNode();
      }
      throw new D1Exception.InvalidRequest("Request body is empty; expected a JSON object");
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new D1Exception.InvalidRequest(
          "Malformed JSON in request body: " + e.getOriginalMessage() + locationOf(e));
    } catch (IOException e) {
      throw new D1Exception.InvalidRequest("Could not read the request body: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new D1Exception.InvalidRequest(
          "Request body must be a JSON object, not " + JsonFields.describe(node));
    }
    UnicodeText.checkTree(node);
    return (ObjectNode) node;
  }

  /** Reads a JSON body token by token; see {@link #readJson}. */
  @FunctionalInterface
  interface JsonReader<T> {
    T read(JsonParser p) throws IOException;
  }

  /**
   * Reads the body as JSON with {@code reader} while it arrives, so neither the body's bytes nor a
   * tree of it is held: only what {@code reader} keeps. Malformed JSON is a 7400 error, a body past
   * the limit 413.
   */
  <T> T readJson(Context ctx, JsonReader<T> reader) {
    return readJson(new ContextCall(ctx), reader);
  }

  /** As {@link #readJson(Context, JsonReader)}, for {@code /query} and {@code /raw}'s request. */
  <T> T readJson(QueryCall call, JsonReader<T> reader) {
    checkDeclaredLength(call.contentLength());
    try (Limited in = new Limited(call.body(), maxBytes);
        JsonParser p = Json.MAPPER.createParser(in)) {
      try {
        return reader.read(p);
      } catch (D1Exception | JsonProcessingException e) {
        // Refused before its end: read the rest (within the limit, keeping nothing), because a
        // server that closes a connection with unread bytes resets it, and the client may then
        // never see the answer.
        in.drain();
        throw e;
      }
    } catch (Limited.Exceeded e) {
      throw new D1Exception.PayloadTooLarge(maxBytes);
    } catch (JsonProcessingException e) {
      throw new D1Exception.InvalidRequest(
          "Malformed JSON in request body: " + e.getOriginalMessage() + locationOf(e));
    } catch (IOException e) {
      throw new D1Exception.InvalidRequest("Could not read the request body: " + e.getMessage());
    }
  }

  /** A stream that fails once more than its limit has been read from it. */
  private static final class Limited extends FilterInputStream {

    /** More than the limit was sent. */
    static final class Exceeded extends IOException {
      Exceeded() {
        super("the body is over the limit");
      }
    }

    private long left;

    Limited(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    /** Reads and drops what is left, up to the limit; a failure only ends it. */
    void drain() {
      byte[] buf = new byte[64 * 1024];
      try {
        while (read(buf, 0, buf.length) >= 0) {
          // dropped
        }
      } catch (IOException e) {
        // Over the limit, or the client went away: nothing more to read.
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && --left < 0) {
        throw new Exceeded();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0 && (left -= n) < 0) {
        throw new Exceeded();
      }
      return n;
    }
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
