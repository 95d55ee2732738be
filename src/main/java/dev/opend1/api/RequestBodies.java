package dev.opend1.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies within the configured limit: a declared {@code Content-Length} over it is
 * refused before a byte is read, and a chunked body is cut off as soon as it passes it.
 */
final class RequestBodies {

  private final long maxBytes;

  RequestBodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Refuses a body whose declared length is over the limit, without reading it. */
  void checkDeclaredLength(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw new D1Exception.PayloadTooLarge(maxBytes);
    }
  }

  /** The whole body, at most the limit. */
  byte[] readBytes(Context ctx) {
    checkDeclaredLength(ctx);
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = ctx.req().getInputStream()) {
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
    return (ObjectNode) node;
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
