package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.util.Optional;

/** {@code GET .../{id}/time_travel/bookmark} and {@code POST .../{id}/time_travel/restore}. */
final class TimeTravelRoutes {

  private final DatabaseService databases;
  private final TimeTravelService timeTravel;

  TimeTravelRoutes(DatabaseService databases, TimeTravelService timeTravel) {
    this.databases = databases;
    this.timeTravel = timeTravel;
  }

  void bookmark(Context ctx, Caller caller) {
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("bookmark", timeTravel.bookmark(db.id(), param(ctx, "timestamp")).toString());
    Envelope.ok(ctx, r);
  }

  /** No body is read: wrangler sends {@code Content-Type: application/json} with an empty one. */
  void restore(Context ctx, Caller caller) {
    caller.requireEdit("restore databases");
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    TimeTravelService.Restored r;
    try {
      r = timeTravel.restore(db.id(), param(ctx, "bookmark"), param(ctx, "timestamp"));
    } catch (RuntimeException e) {
      throw D1Exception.DiskFull.orCause(e, "the database was not restored");
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("bookmark", r.bookmark().toString());
    out.put("previous_bookmark", r.previous().toString());
    out.put("message", "Database restored successfully");
    Envelope.ok(ctx, out);
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(v -> !v.isBlank());
  }
}
