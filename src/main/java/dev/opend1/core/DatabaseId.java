package dev.opend1.core;

import java.util.Optional;
import java.util.UUID;

/** A D1 database identifier: a lowercase 8-4-4-4-12 hex UUID. */
public record DatabaseId(UUID value) {

  public DatabaseId {
    if (value == null) {
      throw new IllegalArgumentException("a database id is required");
    }
  }

  /**
   * True when the text has a UUID's shape (8-4-4-4-12 ASCII hex digits); such a value is always an
   * id, never a name. A scan rather than a regex: every request's path holds one.
   */
  public static boolean looksLikeId(String text) {
    if (text == null || text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !isHex(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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
