package dev.opend1.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import java.io.IOException;
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

  /** The type of the JSON value that starts with {@code t}, as {@link #describe(JsonNode)}. */
  static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_ARRAY -> "array";
      case START_OBJECT -> "object";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> t.name().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * The JSON value at {@code t} as a short text for an error message: a scalar as written (a long
   * string cut short), an array or object by its type.
   */
  static String show(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> {
        String s = p.getText();
        yield "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> p.getText();
      default -> "an " + describe(t);
    };
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
