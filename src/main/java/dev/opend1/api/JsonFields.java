package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed access to request properties, with D1's error wording: {@code Invalid property: name =>
 * Required}.
 */
final class JsonFields {

  private JsonFields() {}

  /** A required string property. */
  static String requiredString(ObjectNode body, String name) {
    return optionalString(body, name).orElseThrow(() -> invalid(name, "Required"));
  }

  /** An optional string property; JSON null counts as absent. */
  static Optional<String> optionalString(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw invalid(name, "Expected string, received " + describe(v));
    }
    return Optional.of(v.textValue());
  }

  /** An optional string property that must be one of {@code allowed} (compared ignoring case). */
  static Optional<String> optionalEnum(ObjectNode body, String name, List<String> allowed) {
    return optionalString(body, name)
        .map(
            v -> {
              String lower = v.toLowerCase(Locale.ROOT);
              if (!allowed.contains(lower)) {
                throw invalid(
                    name,
                    "Invalid enum value. Expected "
                        + String.join(" | ", allowed.stream().map(a -> "'" + a + "'").toList())
                        + ", received '"
                        + v
                        + "'");
              }
              return lower;
            });
  }

  /** An optional object property. */
  static Optional<ObjectNode> optionalObject(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw invalid(name, "Expected object, received " + describe(v));
    }
    return Optional.of((ObjectNode) v);
  }

  static D1Exception.InvalidRequest invalid(String name, String problem) {
    return new D1Exception.InvalidRequest("Invalid property: " + name + " => " + problem);
  }

  /** A JSON value's type as a person would name it. */
  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return switch (v.getNodeType()) {
      case ARRAY -> "array";
      case BOOLEAN -> "boolean";
      case NULL -> "null";
      case NUMBER -> "number";
      case OBJECT -> "object";
      case STRING -> "string";
      default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
