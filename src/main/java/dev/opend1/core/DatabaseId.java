package dev.opend1.core;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** A D1 database identifier: a lowercase 8-4-4-4-12 hex UUID. */
public record DatabaseId(UUID value) {

  private static final Pattern SHAPE =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public DatabaseId {
    if (value == null) {
      throw new IllegalArgumentException("a database id is required");
    }
  }

  /** True when the text has a UUID's shape; such a value is always an id, never a name. */
  public static boolean looksLikeId(String text) {
    return text != null && SHAPE.matcher(text).matches();
  }

  /** The id for a UUID-shaped text, or empty for anything else. */
  public static Optional<DatabaseId> parse(String text) {
    return looksLikeId(text)
        ? Optional.of(new DatabaseId(UUID.fromString(text)))
        : Optional.empty();
  }

  public static DatabaseId random() {
    return new DatabaseId(UUID.randomUUID());
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
