package dev.opend1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code opend1 recover --database ID [--at T] [--name N]}: asks the running server to recover one
 * database from the object store it ships to, as a new database ({@code POST /recover/jobs}, with
 * the operator token), polls the job once a second printing its progress (bytes, records, rate),
 * and prints what it made: the new database, the last commit it holds, the bytes downloaded and the
 * rate. Each request is short, so a recovery may take longer than any connection may stay idle. A
 * server without jobs (an older one) is asked with one {@code POST /recover} instead.
 */
final class OneDatabaseRecovery {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a recovery may take before the command stops waiting (the server goes on). */
  private static final Duration WAIT = Duration.ofHours(6);

  /** How long one request (a start, a poll) may take. */
  private static final Duration REQUEST = Duration.ofSeconds(60);

  /** Between two polls. */
  private static final Duration POLL_EVERY = Duration.ofSeconds(1);

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
    OperatorClient.Reply reply = server.send("POST", "/recover/jobs", body.toString(), REQUEST);
    if (reply.status() == 404 && reply.body().path("errors").path(0).path("code").asInt() == 7003) {
      // An older server: one request, answered when the recovery is done.
      reply = server.send("POST", "/recover", body.toString(), WAIT);
    } else {
      refuseUnlessOk(reply, database);
      reply = await(reply.body().path("result").path("job_id").asText(), database);
    }
    refuseUnlessOk(reply, database);
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

  /** Polls the job until it ends, printing its progress when it moved; returns the last answer. */
  private OperatorClient.Reply await(String job, String database)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long shown = -1;
    while (System.nanoTime() < deadline) {
      Thread.sleep(POLL_EVERY.toMillis());
      OperatorClient.Reply reply = server.send("GET", "/recover/jobs/" + job, null, REQUEST);
      JsonNode r = reply.body().path("result");
      if (reply.status() != 200 || !r.path("status").asText().equals("running")) {
        return reply;
      }
      long bytes = r.path("bytes").asLong();
      if (bytes != shown) {
        shown = bytes;
        double seconds = Math.max(1e-3, r.path("seconds").asDouble());
        out.printf(
            "recover: %s: %.1f MB downloaded, %d records checked, %.1f MB/s, %.0f s%n",
            database, bytes / 1e6, r.path("records").asLong(), bytes / 1e6 / seconds, seconds);
        out.flush();
      }
    }
    throw new IllegalStateException(
        "recovery job " + job + " did not end within " + WAIT.toHours() + " hours; it goes on");
  }

  private void refuseUnlessOk(OperatorClient.Reply reply, String database) {
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
  }
}
