package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.DatabasePage;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The six database-management endpoints under {@code /accounts/{a}/d1/database}. */
final class DatabaseRoutes {

  /** Database names: letters, digits, '-' and '_', 1 to 64 of them, and not shaped like a UUID. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  static final int DEFAULT_PER_PAGE = 1000;
  static final int MIN_PER_PAGE = 10;
  static final int MAX_PER_PAGE = 10_000;

  private static final List<String> HINTS = List.of("wnam", "enam", "weur", "eeur", "apac", "oc");
  private static final List<String> JURISDICTIONS = List.of("eu", "fedramp", "us");
  private static final List<String> REPLICATION_MODES = List.of("auto", "disabled");
  private static final Set<String> BRANCH_FIELDS = Set.of("database", "bookmark", "timestamp");

  private final DatabaseService databases;
  private final RequestBodies bodies;

  DatabaseRoutes(DatabaseService databases, RequestBodies bodies) {
    this.databases = databases;
    this.bodies = bodies;
  }

  /** {@code POST /accounts/{a}/d1/database}. */
  void create(Context ctx, Caller caller) {
    caller.requireEdit("create databases");
    ObjectNode body = bodies.readObject(ctx, false);
    String name = JsonFields.requiredString(body, "name");
    if (!NAME.matcher(name).matches() || DatabaseId.looksLikeId(name)) {
      throw JsonFields.invalid(
          "name",
          "must be 1 to 64 characters of letters, digits, '-' and '_', and not shaped like a"
              + " UUID");
    }
    Optional<Region> hint =
        JsonFields.optionalEnum(body, "primary_location_hint", HINTS)
            .map(h -> Region.fromHint(h).orElseThrow());
    Optional<String> jurisdiction = JsonFields.optionalEnum(body, "jurisdiction", JURISDICTIONS);
    String mode = readReplication(body, false).orElse("disabled");
    DatabaseService.NewDatabase spec =
        new DatabaseService.NewDatabase(name, hint, jurisdiction, mode);
    Optional<DatabaseService.BranchPoint> from = branchPoint(body);
    DatabaseRecord db =
        from.isPresent()
            ? databases.branch(caller.account(), spec, from.get())
            : databases.create(caller.account(), spec);
    Envelope.ok(ctx, DatabaseView.created(db, databases.stats(db)));
  }

  /**
   * Create's {@code from} (an opend1 extension: a branch of a database at a bookmark or a time):
   * {@code database} and exactly one of {@code bookmark} and {@code timestamp}, nothing else.
   */
  private static Optional<DatabaseService.BranchPoint> branchPoint(ObjectNode body) {
    Optional<ObjectNode> from = JsonFields.optionalObject(body, "from");
    if (from.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode f = from.get();
    for (String field : (Iterable<String>) f::fieldNames) {
      if (!BRANCH_FIELDS.contains(field)) {
        throw JsonFields.invalid(
            "from." + field, "Unknown field: from takes database, and bookmark or timestamp");
      }
    }
    String database =
        JsonFields.optionalString(f, "database")
            .orElseThrow(() -> JsonFields.invalid("from.database", "Required"));
    Optional<String> bookmark = JsonFields.optionalString(f, "bookmark");
    Optional<String> timestamp = JsonFields.optionalString(f, "timestamp");
    if (bookmark.isPresent() == timestamp.isPresent()) {
      throw JsonFields.invalid("from", "give exactly one of bookmark and timestamp");
    }
    return Optional.of(new DatabaseService.BranchPoint(database, bookmark, timestamp));
  }

  /** {@code GET /accounts/{a}/d1/database}. */
  void list(Context ctx, Caller caller) {
    int page = positiveInt(ctx, "page", 1);
    int perPage =
        Math.clamp(positiveInt(ctx, "per_page", DEFAULT_PER_PAGE), MIN_PER_PAGE, MAX_PER_PAGE);
    Optional<String> name = Optional.ofNullable(ctx.queryParam("name")).filter(n -> !n.isEmpty());
    DatabasePage result = databases.list(caller.account(), name, page, perPage);
    ArrayNode items = Json.MAPPER.createArrayNode();
    result.items().forEach(db -> items.add(DatabaseView.listItem(db)));
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("page", page);
    info.put("per_page", perPage);
    info.put("count", result.items().size());
    info.put("total_count", result.totalCount());
    Envelope.page(ctx, items, info);
  }

  /** {@code GET /accounts/{a}/d1/database/{id}}: by UUID or by name, with optional fields. */
  void get(Context ctx, Caller caller) {
    Set<String> fields = DatabaseView.parseFields(ctx.queryParams("fields"));
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    Envelope.ok(ctx, DatabaseView.details(db, databases.stats(db), fields));
  }

  /** {@code PUT} (read_replication required) and {@code PATCH} (all optional). */
  void update(Context ctx, Caller caller, boolean partial) {
    caller.requireEdit("update databases");
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    ObjectNode body = bodies.readObject(ctx, partial);
    Optional<String> mode = readReplication(body, !partial);
    if (mode.isPresent()) {
      db = databases.setReadReplication(db, mode.get());
    }
    Envelope.ok(ctx, DatabaseView.details(db, databases.stats(db), Set.of()));
  }

  /** {@code DELETE /accounts/{a}/d1/database/{id}}. */
  void delete(Context ctx, Caller caller) {
    caller.requireEdit("delete databases");
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    databases.delete(db);
    Envelope.ok(ctx, null);
  }

  private static Optional<String> readReplication(ObjectNode body, boolean required) {
    Optional<ObjectNode> rr = JsonFields.optionalObject(body, "read_replication");
    if (rr.isEmpty()) {
      if (required) {
        throw JsonFields.invalid("read_replication", "Required");
      }
      return Optional.empty();
    }
    Optional<String> mode = JsonFields.optionalEnum(rr.get(), "mode", REPLICATION_MODES);
    if (mode.isEmpty()) {
      throw JsonFields.invalid("read_replication.mode", "Required");
    }
    return mode;
  }

  private static int positiveInt(Context ctx, String name, int fallback) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n < 1) {
        throw new D1Exception.InvalidRequest(
            "Invalid query parameter: " + name + " => must be a whole number >= 1");
      }
      return (int) Math.min(n, Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      throw new D1Exception.InvalidRequest(
          "Invalid query parameter: " + name + " => Expected number, received '" + v + "'");
    }
  }
}
