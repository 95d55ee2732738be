package dev.opend1.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP driver for the tests: sends a request, returns status, headers and parsed JSON. */
public final class D1Client {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final Map<String, String> headers;
  private final Duration timeout;

  public D1Client(String base, Map<String, String> headers) {
    this(base, headers, null);
  }

  /**
   * A client whose requests give up after {@code timeout} (null: never), for tests that kill the
   * server and must not hang on a request it will never answer.
   */
  public D1Client(String base, Map<String, String> headers, Duration timeout) {
    this(HTTP, base, headers, timeout);
  }

  /** As above, over {@code http} (a client that trusts a test's own TLS certificate). */
  public D1Client(HttpClient http, String base, Map<String, String> headers, Duration timeout) {
    this.http = http;
    this.base = base;
    this.headers = headers;
    this.timeout = timeout;
  }

  /**
   * What came back. {@code json} is null when the body is not JSON; {@code requestId} is the
   * response's {@code x-request-id}.
   */
  public record Reply(
      int status, String contentType, String body, JsonNode json, String requestId) {

    /** The first error's code, or -1. */
    public int errorCode() {
      return json == null ? -1 : json.path("errors").path(0).path("code").asInt(-1);
    }

    public String errorMessage() {
      return json == null ? "" : json.path("errors").path(0).path("message").asText();
    }

    public JsonNode result() {
      return json.get("result");
    }
  }

  public Reply get(String path) {
    return send("GET", path, null);
  }

  public Reply delete(String path) {
    return send("DELETE", path, null);
  }

  public Reply post(String path, String body) {
    return send("POST", path, body);
  }

  public Reply put(String path, String body) {
    return send("PUT", path, body);
  }

  public Reply patch(String path, String body) {
    return send("PATCH", path, body);
  }

  public Reply send(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (timeout != null) {
      b.timeout(timeout);
    }
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return send(b.build());
  }

  /** Sends a request built by the caller (for unusual bodies or headers). */
  public Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      String ct = r.headers().firstValue("Content-Type").orElse("");
      JsonNode json = null;
      try {
        json = r.body().isEmpty() ? null : JSON.readTree(r.body());
      } catch (IOException notJson) {
        json = null;
      }
      return new Reply(
          r.statusCode(), ct, r.body(), json, r.headers().firstValue("x-request-id").orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI uri(String path) {
    return URI.create(base + path);
  }

  /** The HTTP client it sends with, for requests of its own kind (a signed URL's upload). */
  public HttpClient http() {
    return http;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
