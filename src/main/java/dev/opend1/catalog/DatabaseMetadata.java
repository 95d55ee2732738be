package dev.opend1.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The small JSON file kept beside each database ({@code meta.json}) so the catalog can be rebuilt
 * from the databases alone. It holds the record's every field; the catalog stays the authority
 * while it exists.
 */
public final class DatabaseMetadata {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  private DatabaseMetadata() {}

  public static byte[] toJson(DatabaseRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("uuid", r.id().toString());
    n.put("name", r.name());
    n.put("account", r.account().value());
    n.put("created_at", r.createdAt().toString());
    n.put("primary_location_hint", r.locationHint().map(Region::hint).orElse(null));
    n.put("jurisdiction", r.jurisdiction().orElse(null));
    n.put("created_in_region", r.createdInRegion().name());
    n.putObject("read_replication").put("mode", r.readReplicationMode());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("encode database metadata", e);
    }
  }

  public static DatabaseRecord fromJson(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n.path("format").asInt() != FORMAT) {
        throw new IllegalArgumentException("unknown metadata format " + n.path("format"));
      }
      return new DatabaseRecord(
          new DatabaseId(UUID.fromString(n.path("uuid").asText())),
          new AccountId(n.path("account").asText()),
          n.path("name").asText(),
          Instant.parse(n.path("created_at").asText()),
          Optional.ofNullable(n.path("primary_location_hint").textValue())
              .flatMap(Region::fromHint),
          Optional.ofNullable(n.path("jurisdiction").textValue()),
          Region.valueOf(n.path("created_in_region").asText()),
          n.path("read_replication").path("mode").asText("disabled"));
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed database metadata: " + e.getMessage(), e);
    }
  }
}
