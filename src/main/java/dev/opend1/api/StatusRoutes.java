package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.Tokens;
import dev.opend1.core.BuildInfo;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What operators ask a running server: {@code GET /status} (version, uptime, disk, open databases,
 * queues, the last checkpoint) and {@code GET /status/databases/{id}} (the online {@code opend1
 * doctor} of one database: SQLite's integrity check and its history's continuity, while it serves).
 *
 * <p>Unavailable databases (their files missing or damaged) are listed with the reason.
 *
 * <p>On the metrics listener ({@code --metrics-port}) they need no token, like {@code /metrics}; on
 * the main port they need an operator token ({@code opend1 token create --operator}), which no
 * account's token is.
 */
final class StatusRoutes {

  private final Tokens tokens;
  private final StatusService status;
  private final Path dataDir;
  private final Instant startedAt = Instant.now();

  StatusRoutes(Tokens tokens, StatusService status, Path dataDir) {
    this.tokens = tokens;
    this.status = status;
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  /** Refuses (401) a request without an operator token. */
  void requireOperator(Context ctx) {
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.strip().regionMatches(true, 0, "Bearer ", 0, 7)) {
      String secret = authorization.strip().substring(7).strip();
      if (!secret.isEmpty() && tokens.findOperator(secret).isPresent()) {
        return;
      }
    }
    throw new D1Exception.AuthenticationFailed();
  }

  /** {@code GET /status}. */
  void status(Context ctx) {
    BuildInfo build = BuildInfo.current();
    StatusService.Report now = status.report();
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("version", build.version());
    s.put("revision", build.revision());
    s.put("started_at", startedAt.toString());
    s.put("uptime_seconds", Duration.between(startedAt, Instant.now()).toSeconds());
    s.put("data_dir", dataDir.toString());
    ObjectNode d = s.putObject("disk");
    d.put("free_bytes", now.freeBytes());
    d.put("database_bytes", now.databaseBytes());
    d.put("history_bytes", now.historyBytes());
    ObjectNode dbs = s.putObject("databases");
    dbs.put("open", now.openDatabases());
    ArrayNode unavailable = dbs.putArray("unavailable");
    now.unavailable()
        .forEach((id, why) -> unavailable.addObject().put("id", id.toString()).put("problem", why));
    ObjectNode q = s.putObject("queues");
    q.put("writes", now.queuedWrites());
    q.put("sql_tasks_waiting", now.sqlTasksWaiting());
    q.put("exports_running", now.exportsRunning());
    q.put("imports_running", now.importsRunning());
    if (now.lastCheckpointMillis() == 0) {
      s.putNull("last_checkpoint");
    } else {
      s.put("last_checkpoint", Instant.ofEpochMilli(now.lastCheckpointMillis()).toString());
    }
    now.objectStorage()
        .ifPresentOrElse(
            o -> objectStorage(s.putObject("object_storage"), o),
            () -> s.putNull("object_storage"));
    Envelope.ok(ctx, s);
  }

  /** Where the history is shipped, how far behind it is, and what failed. */
  private static void objectStorage(ObjectNode o, StatusService.ObjectStorage r) {
    o.put("target", r.target());
    o.put("durability", r.durability());
    o.put("lag_seconds", r.lagSeconds());
    o.put("lag_bytes", r.lagBytes());
    o.put("uploads", r.uploads());
    o.put("uploaded_bytes", r.uploadedBytes());
    o.put("failures", r.failures());
    o.put("last_error", r.lastError());
    r.fencedDatabases().forEach(o.putArray("fenced_databases")::add);
  }

  /** {@code GET /status/databases/{id}}: the online doctor of one database. */
  void database(Context ctx) throws InterruptedException {
    DatabaseId id =
        DatabaseId.parse(ctx.pathParam("id"))
            .orElseThrow(
                () -> new D1Exception.InvalidRequest("Invalid request: not a database id (UUID)"));
    StatusService.Check check = status.check(id);
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("database", id.toString());
    check.problems().forEach(r.putArray("problems")::add);
    check.notes().forEach(r.putArray("notes")::add);
    r.put("history_records", check.historyRecords());
    Envelope.ok(ctx, r);
  }
}
