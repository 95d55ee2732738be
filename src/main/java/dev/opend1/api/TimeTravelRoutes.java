package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code GET .../{id}/time_travel/bookmark}, {@code POST .../{id}/time_travel/restore}, and
 * opend1's {@code GET .../{id}/time_travel/commits}.
 */
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

  /** Commits a page holds unless {@code limit} says otherwise, and at most. */
  static final int DEFAULT_COMMITS = 100;

  static final int MAX_COMMITS = 1000;

  /**
   * {@code GET .../{id}/time_travel/commits?since=&until=&limit=&cursor=}, opend1's extension: the
   * database's commits, newest first; {@code result_info.cursor} names the next page when there is
   * one.
   */
  void commits(Context ctx, Caller caller) {
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    int limit = limit(param(ctx, "limit"));
    TimeTravelService.Commits page =
        timeTravel.commits(
            db.id(), param(ctx, "since"), param(ctx, "until"), param(ctx, "cursor"), limit);
    ArrayNode result = Json.MAPPER.createArrayNode();
    for (TimeTravelService.Commit c : page.commits()) {
      result
          .addObject()
          .put("bookmark", c.bookmark().toString())
          .put("timestamp", c.time().toString());
    }
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("count", result.size());
    info.put("per_page", limit);
    page.next().ifPresent(next -> info.put("cursor", next.toString()));
    Envelope.page(ctx, result, info);
  }

  private static int limit(Optional<String> text) {
    if (text.isEmpty()) {
      return DEFAULT_COMMITS;
    }
    try {
      int n = Integer.parseInt(text.get().strip());
      if (n >= 1 && n <= MAX_COMMITS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new D1Exception.InvalidRequest(
        "Invalid limit '" + text.get() + "': give a whole number from 1 to " + MAX_COMMITS);
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
