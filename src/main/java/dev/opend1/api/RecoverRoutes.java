package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code POST /recover} ({@code opend1 recover --database}): recovers one database from the
 * server's object store as a new database, with an operator token, on the main port only (it
 * changes the server, so the metrics port never answers it). The body is {@code {"database_id":
 * UUID, "at": ISO-8601 instant, "name": string}}, {@code at} and {@code name} optional; the answer
 * is the new database, as a create answers it, with what was recovered.
 */
final class RecoverRoutes {

  private final StatusRoutes operators;
  private final RecoveryService recovery;
  private final DatabaseService databases;
  private final RequestBodies bodies;

  RecoverRoutes(
      StatusRoutes operators,
      RecoveryService recovery,
      DatabaseService databases,
      RequestBodies bodies) {
    this.operators = operators;
    this.recovery = recovery;
    this.databases = databases;
    this.bodies = bodies;
  }

  /** What a recovery's body asks for. */
  private record Asked(String databaseId, Optional<Instant> at, Optional<String> name) {}

  private Asked asked(Context ctx) {
    operators.requireOperator(ctx);
    ObjectNode body = bodies.readObject(ctx, false);
    return new Asked(
        text(body, "database_id").orElseThrow(() -> missing("database_id")),
        text(body, "at").map(RecoverRoutes::instant),
        text(body, "name"));
  }

  /** {@code POST /recover}: answered when the recovery is done. */
  void recover(Context ctx) {
    Asked a = asked(ctx);
    Envelope.ok(ctx, recovered(recovery.recover(a.databaseId(), a.at(), a.name())));
  }

  /**
   * {@code POST /recover/jobs}: the same recovery in the background; the answer is its job, polled
   * with {@code GET /recover/jobs/{job}}.
   */
  void start(Context ctx) {
    Asked a = asked(ctx);
    String job = recovery.start(a.databaseId(), a.at(), a.name());
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("job_id", job);
    out.put("status", "running");
    Envelope.ok(ctx, out);
  }

  /**
   * {@code GET /recover/jobs/{job}}: progress while it runs ({@code bytes}, {@code records}, {@code
   * seconds}); once done, what {@code POST /recover} answers, with the job's fields; once failed,
   * the failure, as {@code POST /recover} would have answered it.
   */
  void poll(Context ctx) {
    operators.requireOperator(ctx);
    RecoveryService.Job job = recovery.job(ctx.pathParam("job"));
    if (job.failure().isPresent()) {
      throw job.failure().get();
    }
    ObjectNode out = job.done().map(this::recovered).orElseGet(Json.MAPPER::createObjectNode);
    out.put("job_id", job.id());
    out.put("status", job.running() ? "running" : "complete");
    out.put("bytes", job.bytes());
    out.put("records", job.records());
    out.put("seconds", job.seconds());
    Envelope.ok(ctx, out);
  }

  /** The new database as a create answers it, with what it was recovered from. */
  private ObjectNode recovered(RecoveryService.Recovered r) {
    ObjectNode out = DatabaseView.created(r.database(), databases.stats(r.database()));
    ObjectNode from = out.putObject("recovered_from");
    from.put("database_id", r.sourceId());
    from.put("records", r.records());
    from.put("last_commit", r.lastCommit().toString());
    from.put("bytes", r.bytes());
    from.put("seconds", r.seconds());
    return out;
  }

  private static Optional<String> text(ObjectNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new D1Exception.InvalidRequest(field + " must be a non-empty string");
    }
    return Optional.of(n.asText());
  }

  private static Instant instant(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new D1Exception.InvalidRequest(
          "at " + s + " is not an ISO-8601 instant (e.g. 2026-01-31T12:00:00Z)");
    }
  }

  private static D1Exception missing(String field) {
    return new D1Exception.InvalidRequest(field + " is required");
  }
}
