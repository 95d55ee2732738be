package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.DatabaseStats;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** How a database is shown: the list item, the details of get/update, and the create answer. */
final class DatabaseView {

  /** The keys {@code fields} may ask for, in D1's order. */
  static final List<String> FIELDS =
      List.of(
          "uuid",
          "name",
          "created_at",
          "version",
          "num_tables",
          "file_size",
          "running_in_region",
          "read_replication",
          "jurisdiction");

  private DatabaseView() {}

  /** A list item: the keys the real API returns in lists. */
  static ObjectNode listItem(DatabaseRecord db) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("uuid", db.id().toString());
    n.put("name", db.name());
    n.put("created_at", createdAt(db));
    n.put("version", "production");
    n.put("jurisdiction", db.jurisdiction().orElse(null));
    return n;
  }

  /** The details of get, PUT and PATCH, limited to {@code fields} when given. */
  static ObjectNode details(DatabaseRecord db, DatabaseStats stats, Set<String> fields) {
    ObjectNode all = Json.MAPPER.createObjectNode();
    all.put("uuid", db.id().toString());
    all.put("name", db.name());
    all.put("created_at", createdAt(db));
    all.put("version", "production");
    all.put("num_tables", stats.numTables());
    all.put("file_size", stats.fileSize());
    all.put("running_in_region", db.createdInRegion().name());
    all.putObject("read_replication").put("mode", db.readReplicationMode());
    all.put("jurisdiction", db.jurisdiction().orElse(null));
    if (fields.isEmpty()) {
      return all;
    }
    ObjectNode picked = Json.MAPPER.createObjectNode();
    for (String f : fields) {
      picked.set(f, all.get(f));
    }
    return picked;
  }

  /** The create answer: the details plus the region it was created in. */
  static ObjectNode created(DatabaseRecord db, DatabaseStats stats) {
    ObjectNode n = details(db, stats, Set.of());
    n.remove("running_in_region");
    n.put("created_in_region", db.createdInRegion().name());
    return n;
  }

  /**
   * Parses {@code fields}: given as {@code fields=a,b}, as repeated {@code fields=a&fields=b}, or
   * both. Unknown names are a 7400 error naming them.
   */
  static Set<String> parseFields(List<String> values) {
    Set<String> fields = new LinkedHashSet<>();
    for (String v : values) {
      for (String part : v.split(",")) {
        String f = part.strip();
        if (f.isEmpty()) {
          continue;
        }
        if (!FIELDS.contains(f)) {
          throw new D1Exception.InvalidRequest(
              "Invalid property: fields => unknown field '"
                  + f
                  + "'; expected any of "
                  + String.join(", ", FIELDS));
        }
        fields.add(f);
      }
    }
    return fields;
  }

  private static String createdAt(DatabaseRecord db) {
    return DateTimeFormatter.ISO_INSTANT.format(db.createdAt());
  }
}
