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

  /** {@code POST /recover}. */
  void recover(Context ctx) {
    operators.requireOperator(ctx);
    ObjectNode body = bodies.readObject(ctx, false);
    String id = text(body, "database_id").orElseThrow(() -> missing("database_id"));
    Optional<Instant> at = text(body, "at").map(RecoverRoutes::instant);
    Optional<String> name = text(body, "name");
    RecoveryService.Recovered r = recovery.recover(id, at, name);
    ObjectNode out = DatabaseView.created(r.database(), databases.stats(r.database()));
    ObjectNode from = out.putObject("recovered_from");
    from.put("database_id", r.sourceId());
    from.put("records", r.records());
    from.put("last_commit", r.lastCommit().toString());
    from.put("bytes", r.bytes());
    from.put("seconds", r.seconds());
    Envelope.ok(ctx, out);
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
