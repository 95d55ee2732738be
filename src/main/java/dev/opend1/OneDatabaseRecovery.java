package dev.opend1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code opend1 recover --database ID [--at T] [--name N]}: asks the running server ({@code POST
 * /recover}, with the operator token) to recover one database from the object store it ships to, as
 * a new database, and prints what it made: the new database, the last commit it holds, the bytes
 * downloaded and the rate.
 */
final class OneDatabaseRecovery {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a recovery may take before the command stops waiting (the server goes on). */
  private static final Duration WAIT = Duration.ofHours(6);

  private final OperatorClient server;
  private final PrintWriter out;

  OneDatabaseRecovery(OperatorClient server, PrintWriter out) {
    this.server = server;
    this.out = out;
  }

  /** Exit 0 when the database was recovered; any refusal is an exception naming why. */
  int recover(String database, String at, String name) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("database_id", database);
    if (at != null) {
      body.put("at", at);
    }
    if (name != null) {
      body.put("name", name);
    }
    out.printf(
        "recover: asking %s to recover database %s%s from its object store...%n",
        server.base(), database, at == null ? "" : " as of " + at);
    out.flush();
    OperatorClient.Reply reply = server.send("POST", "/recover", body.toString(), WAIT);
    switch (reply.status()) {
      case 200 -> {}
      case 401 -> throw server.needsToken();
      case 404 ->
          throw new IllegalStateException(
              reply.body().path("errors").isMissingNode()
                  ? server.base() + " has no /recover (an older server?)"
                  : "the object store of " + server.base() + " holds no database " + database);
      default ->
          throw new IllegalStateException(
              server.base() + " refused: " + reply.message() + " (" + reply.status() + ")");
    }
    JsonNode r = reply.body().path("result");
    JsonNode from = r.path("recovered_from");
    double seconds = Math.max(1e-3, from.path("seconds").asDouble());
    long bytes = from.path("bytes").asLong();
    out.printf(
        "recover: database %s recovered as %s (%s): %d records, last commit %s;"
            + " %.1f MB in %.1f s, %.1f MB/s%n",
        database,
        r.path("name").asText(),
        r.path("uuid").asText(),
        from.path("records").asLong(),
        from.path("last_commit").asText(),
        bytes / 1e6,
        seconds,
        bytes / 1e6 / seconds);
    out.flush();
    return 0;
  }
}
