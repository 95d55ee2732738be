package dev.opend1.sql;

/**
 * One token of SQL text: where it is and what kind it is. Whitespace and comments are not tokens.
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
    /** A string literal {@code '..'}. */
    STRING,
    /** A blob literal {@code x'..'}. */
    BLOB,
    /** A numeric literal. */
    NUMBER,
    /**
     * A bound parameter: {@code ?}, {@code ?NNN}, {@code :name}, {@code @name}, {@code $name},
     * {@code #name}, with SQLite's TCL-style suffixes ({@code $a::b}, {@code $a(any text)}).
     */
    VARIABLE,
    SEMICOLON,
    OPEN_PAREN,
    CLOSE_PAREN,
    COMMA,
    DOT,
    EQUALS,
    /** Any other operator or punctuation. */
    OTHER
  }

  /** The same token {@code delta} characters further on (negative: back). */
  Token shifted(int delta) {
    return new Token(type, start + delta, end + delta);
  }

  /** The token's text as written. */
  String text(CharSequence sql) {
    return sql.subSequence(start, end).toString();
  }

  /** Whether SQLite may read this token as a name: a bare word, a quoted identifier, a string. */
  boolean isName() {
    return type == Type.WORD || type == Type.QUOTED_ID || type == Type.STRING;
  }

  /**
   * The name this token stands for: a bare word as written, a quoted identifier or string without
   * its quotes (doubled quotes undone). SQLite accepts a string literal where it expects a name
   * ({@code SELECT * FROM 't'}), so strings unquote too.
   */
  String name(CharSequence sql) {
    String t = text(sql);
    if (type != Type.QUOTED_ID && type != Type.STRING || t.length() < 2) {
      return t;
    }
    char q = t.charAt(0);
    boolean closed = t.charAt(t.length() - 1) == (q == '[' ? ']' : q);
    String inner = t.substring(1, closed ? t.length() - 1 : t.length());
    return switch (q) {
      case '"', '`', '\'' -> inner.replace(String.valueOf(q) + q, String.valueOf(q));
      default -> inner;
    };
  }

  /** True for a bare word equal to {@code keyword} (upper case ASCII), ignoring case. */
  boolean is(CharSequence sql, String keyword) {
    if (type != Type.WORD || end - start != keyword.length()) {
      return false;
    }
    for (int i = 0; i < keyword.length(); i++) {
      if (Ascii.upper(sql.charAt(start + i)) != keyword.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
