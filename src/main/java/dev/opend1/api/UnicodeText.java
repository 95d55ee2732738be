package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.core.D1Exception;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses JSON strings that are not Unicode text. JSON's {@code \\uXXXX} escapes can spell a lone
 * UTF-16 surrogate, {@code "\\ud800"}, which is no character: Java keeps it in a {@code String},
 * but SQLite and the catalog take UTF-8, and the conversion silently turns it into {@code ?}. A
 * request's text must reach them unchanged or not at all, so a lone surrogate is a 400 (7400) that
 * names where it is. (Jackson itself refuses a surrogate written as UTF-8 bytes, and one in a
 * property name, as malformed JSON.)
 */
final class UnicodeText {

  private UnicodeText() {}

  /** {@code s}, unless it holds a lone surrogate; {@code property} names it in the error. */
  static String checked(String s, String property) {
    int at = loneSurrogate(s);
    if (at >= 0) {
      throw refusal(property, s.charAt(at), at);
    }
    return s;
  }

  /**
   * Checks every string value of a JSON tree. (Property names need no check: Jackson refuses a lone
   * surrogate in a name as malformed JSON.)
   */
  static void checkTree(JsonNode node) {
    checkTree(node, "");
  }

  private static void checkTree(JsonNode node, String path) {
    if (node.isTextual()) {
      checked(node.textValue(), path);
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkTree(node.get(i), path + "[" + i + "]");
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        checkTree(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
      }
    }
  }

  /** The index of the first lone surrogate in {@code s}, or -1. */
  static int loneSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a pair: one character outside the BMP
        continue;
      }
      return i;
    }
    return -1;
  }

  private static D1Exception.InvalidRequest refusal(String property, char c, int at) {
    return JsonFields.invalid(
        property,
        "Invalid text: a lone UTF-16 surrogate (\\u"
            + Integer.toHexString(c).toLowerCase(Locale.ROOT)
            + ") at character "
            + at
            + " is not a character; send valid Unicode (a surrogate only as half of a pair)");
  }
}
