package dev.opend1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options and the one request of the commands that ask a running server ({@code opend1 status},
 * {@code opend1 doctor --url}): {@code GET URL/status...}, with the operator token from {@code
 * --token-file} or {@code OPEND1_OPERATOR_TOKEN} (none is needed on the metrics port). Every
 * failure is an exception whose message says what to do; {@link Main} prints it as one line.
 */
final class OperatorClient {

  static final String TOKEN_VARIABLE = "OPEND1_OPERATOR_TOKEN";

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8787",
      description =
          "The server: its main address, or its --metrics-port address (then no token is needed)."
              + " Default: ${DEFAULT-VALUE}.")
  String url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding an operator token (opend1 token create --operator); default: the"
              + " OPEND1_OPERATOR_TOKEN variable.")
  Path tokenFile;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A server's answer: its status and its JSON body (a null node when it was not JSON). */
  record Reply(int status, JsonNode body) {

    /** The first error's message, as D1's envelope gives it. */
    String message() {
      return body.path("errors").path(0).path("message").asText("(no message)");
    }
  }

  /** The server's address, without a trailing slash. */
  String base() {
    return url.replaceAll("/+$", "");
  }

  /**
   * Sends {@code method <url><path>} with a JSON body (none when null) and the operator token,
   * waiting at most {@code timeout} for the answer.
   */
  Reply send(String method, String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(timeout)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    String token = token();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IllegalStateException(
          "cannot reach " + base() + ": connection refused (is the server running there? --url)");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = JSON.nullNode();
    }
    return new Reply(response.statusCode(), body == null ? JSON.nullNode() : body);
  }

  /** What to do about a 401: give an operator token. */
  IllegalStateException needsToken() {
    return new IllegalStateException(
        base()
            + " needs an operator token: give --token-file or "
            + TOKEN_VARIABLE
            + " (make one with `opend1 token create --operator`)");
  }

  /** The {@code result} of {@code GET <url><path>}. */
  JsonNode get(String path) throws IOException, InterruptedException {
    String base = base();
    Reply response = send("GET", path, null, Duration.ofMinutes(10));
    JsonNode body = response.body();
    return switch (response.status()) {
      case 200 -> body.path("result");
      case 401 ->
          throw new IllegalStateException(
              base
                  + " needs an operator token: give --token-file or "
                  + TOKEN_VARIABLE
                  + " (make one with `opend1 token create --operator`), or ask the server's"
                  + " --metrics-port");
      case 404 ->
          throw new IllegalStateException(
              base
                  + " has no "
                  + path
                  + (path.equals("/status")
                      ? " (a server with --metrics-port answers it on that port)"
                      : ""));
      default ->
          throw new IllegalStateException(
              base + path + " answered " + response.status() + ": " + response.message());
    };
  }

  private String token() throws IOException {
    if (tokenFile != null) {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    }
    String t = System.getenv(TOKEN_VARIABLE);
    return t == null || t.isBlank() ? null : t.strip();
  }

  /** Bytes for people: {@code 12.3 GB}, powers of 1000. */
  static String bytes(long n) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = n;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
