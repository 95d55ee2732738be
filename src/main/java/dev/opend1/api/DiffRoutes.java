package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.StateDiff.RowChange;
import dev.opend1.engine.StateDiff.SchemaChange;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * opend1's {@code GET .../{id}/time_travel/diff?from=&to=&per_page=&cursor=&format=}: what changed
 * from one bookmark to a later one (schema objects, and rows by key), a page at a time, or with
 * {@code format=sql} the SQL script that turns the older state into the newer, streamed.
 */
final class DiffRoutes {

  /** Row changes a page holds unless {@code per_page} says otherwise, and at most. */
  static final int DEFAULT_PER_PAGE = 100;

  static final int MAX_PER_PAGE = 1000;

  private final DatabaseService databases;
  private final TimeTravelService timeTravel;

  DiffRoutes(DatabaseService databases, TimeTravelService timeTravel) {
    this.databases = databases;
    this.timeTravel = timeTravel;
  }

  void diff(Context ctx, Caller caller) {
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    TimeTravelService.DiffRange range =
        new TimeTravelService.DiffRange(
            param(ctx, "from"),
            param(ctx, "from_timestamp"),
            param(ctx, "to"),
            param(ctx, "to_timestamp"));
    if (range.from().isPresent() == range.fromTimestamp().isPresent()) {
      throw new D1Exception.InvalidRequest(
          "Invalid request: give exactly one of the query parameters from or from_timestamp");
    }
    if (range.to().isPresent() && range.toTimestamp().isPresent()) {
      throw new D1Exception.InvalidRequest(
          "Invalid request: give at most one of the query parameters to or to_timestamp");
    }
    String format = param(ctx, "format").orElse("json");
    if (format.equals("sql")) {
      timeTravel.diffSql(
          db.id(),
          range,
          () -> {
            ctx.status(200);
            ctx.contentType("application/sql; charset=utf-8");
            return ctx.outputStream();
          });
      return;
    }
    if (!format.equals("json")) {
      throw new D1Exception.InvalidRequest(
          "Invalid format '" + format + "': give json (the default) or sql");
    }
    int perPage = perPage(param(ctx, "per_page"));
    TimeTravelService.Diff d = timeTravel.diff(db.id(), range, param(ctx, "cursor"), perPage);
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("from", d.from().toString());
    result.put("to", d.to().toString());
    ArrayNode schema = result.putArray("schema");
    for (SchemaChange c : d.schema()) {
      schema
          .addObject()
          .put("type", c.type())
          .put("name", c.name())
          .put("table", c.table())
          .put("change", c.change())
          .put("sql_before", c.before())
          .put("sql_after", c.after());
    }
    Map<String, ObjectNode> tables = new LinkedHashMap<>();
    ArrayNode tableList = result.putArray("tables");
    for (RowChange r : d.rows().rows()) {
      ObjectNode t =
          tables.computeIfAbsent(
              r.table(),
              name -> {
                ObjectNode n = tableList.addObject().put("name", name);
                n.putArray("inserted");
                n.putArray("updated");
                n.putArray("deleted");
                return n;
              });
      ObjectNode row = t.withArray(r.kind()).addObject();
      row.set("key", Json.MAPPER.valueToTree(values(r.key())));
      switch (r.kind()) {
        case "inserted" -> row.set("values", Json.MAPPER.valueToTree(values(r.after())));
        case "deleted" -> row.set("values", Json.MAPPER.valueToTree(values(r.before())));
        default -> {
          row.set("before", Json.MAPPER.valueToTree(values(r.before())));
          row.set("after", Json.MAPPER.valueToTree(values(r.after())));
        }
      }
    }
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("count", d.rows().rows().size());
    info.put("per_page", perPage);
    d.rows().next().ifPresent(next -> info.put("cursor", next));
    Envelope.page(ctx, result, info);
  }

  /** Values as D1 answers them: a BLOB as the array of its bytes (0 to 255). */
  private static Map<String, Object> values(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    row.forEach(
        (k, v) -> {
          if (v instanceof byte[] b) {
            int[] bytes = new int[b.length];
            for (int i = 0; i < b.length; i++) {
              bytes[i] = b[i] & 0xff;
            }
            out.put(k, bytes);
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  private static int perPage(Optional<String> text) {
    if (text.isEmpty()) {
      return DEFAULT_PER_PAGE;
    }
    try {
      int n = Integer.parseInt(text.get().strip());
      if (n >= 1 && n <= MAX_PER_PAGE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new D1Exception.InvalidRequest(
        "Invalid per_page '" + text.get() + "': give a whole number from 1 to " + MAX_PER_PAGE);
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(v -> !v.isBlank());
  }
}
