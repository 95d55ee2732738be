package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.Catalog;
import dev.opend1.core.BuildInfo;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.history.History;
import dev.opend1.history.HistoryCheck;
import dev.opend1.history.Replication;
import dev.opend1.transfer.TransferCounters;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

  private final Catalog catalog;
  private final Engine engine;
  private final History history;
  private final TransferCounters transfers;
  private final DiskFigures disk;
  private final Path dataDir;
  private final Instant startedAt = Instant.now();

  StatusRoutes(
      Catalog catalog,
      Engine engine,
      History history,
      TransferCounters transfers,
      DiskFigures disk,
      Path dataDir) {
    this.catalog = catalog;
    this.engine = engine;
    this.history = history;
    this.transfers = transfers;
    this.disk = disk;
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  /** Refuses (401) a request without an operator token. */
  void requireOperator(Context ctx) {
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.strip().regionMatches(true, 0, "Bearer ", 0, 7)) {
      String secret = authorization.strip().substring(7).strip();
      if (!secret.isEmpty() && catalog.findOperatorToken(secret).isPresent()) {
        return;
      }
    }
    throw new D1Exception.AuthenticationFailed();
  }

  /** {@code GET /status}. */
  void status(Context ctx) {
    BuildInfo build = BuildInfo.current();
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("version", build.version());
    s.put("revision", build.revision());
    s.put("started_at", startedAt.toString());
    s.put("uptime_seconds", Duration.between(startedAt, Instant.now()).toSeconds());
    s.put("data_dir", dataDir.toString());
    ObjectNode d = s.putObject("disk");
    d.put("free_bytes", disk.freeBytes());
    d.put("database_bytes", disk.databaseBytes());
    d.put("history_bytes", disk.historyBytes());
    ObjectNode dbs = s.putObject("databases");
    dbs.put("open", engine.openDatabases());
    ArrayNode unavailable = dbs.putArray("unavailable");
    engine
        .counters()
        .unavailable()
        .forEach((id, why) -> unavailable.addObject().put("id", id.toString()).put("problem", why));
    ObjectNode q = s.putObject("queues");
    q.put("writes", engine.counters().queuedWrites());
    q.put("sql_tasks_waiting", engine.sqlTasksWaiting());
    q.put("exports_running", transfers.activeExports());
    q.put("imports_running", transfers.activeImports());
    long checkpoint = engine.counters().lastCheckpointMillis();
    if (checkpoint == 0) {
      s.putNull("last_checkpoint");
    } else {
      s.put("last_checkpoint", Instant.ofEpochMilli(checkpoint).toString());
    }
    history
        .replication()
        .ifPresentOrElse(
            r -> objectStorage(s.putObject("object_storage"), r),
            () -> s.putNull("object_storage"));
    Envelope.ok(ctx, s);
  }

  /** Where the history is shipped, how far behind it is, and what failed. */
  private static void objectStorage(ObjectNode o, Replication r) {
    o.put("target", r.describe());
    o.put("durability", r.mode().name().toLowerCase(java.util.Locale.ROOT));
    o.put("lag_seconds", r.lagNanos() / 1e9);
    o.put("lag_bytes", r.lagBytes());
    o.put("uploads", r.counters().uploads.sum());
    o.put("uploaded_bytes", r.counters().uploadedBytes.sum());
    o.put("failures", r.counters().failures.sum());
    o.put("last_error", r.counters().lastError());
    r.counters().fencedDatabases().forEach(o.putArray("fenced_databases")::add);
  }

  /** {@code GET /status/databases/{id}}: the online doctor of one database. */
  void database(Context ctx) throws InterruptedException {
    DatabaseId id =
        DatabaseId.parse(ctx.pathParam("id"))
            .orElseThrow(
                () -> new D1Exception.InvalidRequest("Invalid request: not a database id (UUID)"));
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long records = 0;
    if (!engine.exists(id)) {
      problems.add("database " + id + " has no directory in " + dataDir.resolve("db"));
    } else {
      try {
        engine.integrityProblems(id).forEach(p -> problems.add("integrity_check: " + p));
      } catch (RuntimeException e) {
        problems.add("cannot be opened: " + e.getMessage());
      }
      HistoryCheck.Result h = history.check(id);
      problems.addAll(h.problems());
      notes.addAll(h.notes());
      records = h.records();
    }
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("database", id.toString());
    problems.forEach(r.putArray("problems")::add);
    notes.forEach(r.putArray("notes")::add);
    r.put("history_records", records);
    Envelope.ok(ctx, r);
  }
}
