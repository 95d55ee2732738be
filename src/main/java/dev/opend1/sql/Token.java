package dev.opend1.sql;

/**
 * One token of SQL text: where it is and what kind it is. Comments and whitespace are not tokens.
 *
 * @param type its kind
 * @param start offset of its first character
 * @param end offset after its last character
 */
record Token(Type type, int start, int end) {

  enum Type {
    /** A bare word: a keyword or an unquoted identifier. */
    WORD,
    /** A quoted identifier: {@code ".."}, {@code `..`} or {@code [..]}. */
    QUOTED_ID,
    /** A string literal {@code '..'} (or a blob literal's quoted part). */
    STRING,
    SEMICOLON,
    OPEN_PAREN,
    CLOSE_PAREN,
    DOT,
    EQUALS,
    /** Any other punctuation, number or operator. */
    OTHER
  }

  /** The token's text as written. */
  String text(String sql) {
    return sql.substring(start, end);
  }

  /** A bare word's text, or a quoted identifier's name without its quotes. */
  String name(String sql) {
    String t = text(sql);
    if (type != Type.QUOTED_ID || t.length() < 2) {
      return t;
    }
    char q = t.charAt(0);
    String inner = t.substring(1, t.length() - 1);
    return switch (q) {
      case '"' -> inner.replace("\"\"", "\"");
      case '`' -> inner.replace("``", "`");
      default -> inner;
    };
  }

  /** True for a bare word equal to {@code keyword}, ignoring case. */
  boolean is(String sql, String keyword) {
    return type == Type.WORD
        && end - start == keyword.length()
        && sql.regionMatches(true, start, keyword, 0, keyword.length());
  }
}
