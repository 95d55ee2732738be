package dev.opend1.sql;

/**
 * ASCII-only case folding, as SQLite does for keywords and names. {@code Locale}-aware folding
 * would map characters SQLite keeps distinct (the Kelvin sign, say) onto ASCII letters.
 */
final class Ascii {

  private Ascii() {}

  static char upper(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
  }

  static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  static String upper(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      b.append(upper(s.charAt(i)));
    }
    return b.toString();
  }

  static String lower(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      b.append(lower(s.charAt(i)));
    }
    return b.toString();
  }

  /** Whether {@code s} starts with {@code prefix} (given in lower case), ignoring ASCII case. */
  static boolean startsWithIgnoreCase(String s, String prefix) {
    if (s.length() < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (lower(s.charAt(i)) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
