package dev.opend1.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts SQL text into {@link Token}s the way SQLite's own tokenizer does for what matters here:
 * quoting ({@code '..'} with {@code ''}, {@code ".."} with {@code ""}, {@code `..`}, {@code [..]})
 * and comments ({@code --} to the end of the line, {@code /* ... *}{@code /}). Unterminated quotes
 * and comments run to the end of the text; SQLite will report them.
 */
final class Tokenizer {

  private Tokenizer() {}

  static List<Token> tokenize(String sql) {
    List<Token> tokens = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int close = sql.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == '\'') {
        i = add(tokens, Token.Type.STRING, i, quoted(sql, i, '\''));
      } else if (c == '"' || c == '`') {
        i = add(tokens, Token.Type.QUOTED_ID, i, quoted(sql, i, c));
      } else if (c == '[') {
        int close = sql.indexOf(']', i + 1);
        i = add(tokens, Token.Type.QUOTED_ID, i, close < 0 ? n : close + 1);
      } else if (isWordStart(c)) {
        int j = i + 1;
        while (j < n && isWordPart(sql.charAt(j))) {
          j++;
        }
        i = add(tokens, Token.Type.WORD, i, j);
      } else {
        Token.Type t =
            switch (c) {
              case ';' -> Token.Type.SEMICOLON;
              case '(' -> Token.Type.OPEN_PAREN;
              case ')' -> Token.Type.CLOSE_PAREN;
              case '.' -> Token.Type.DOT;
              case '=' -> Token.Type.EQUALS;
              default -> Token.Type.OTHER;
            };
        i = add(tokens, t, i, i + 1);
      }
    }
    return tokens;
  }

  private static int add(List<Token> tokens, Token.Type type, int start, int end) {
    tokens.add(new Token(type, start, end));
    return end;
  }

  /** The end of a quoted run opened at {@code start}; a doubled quote is part of it. */
  private static int quoted(String sql, int start, char q) {
    int n = sql.length();
    int i = start + 1;
    while (i < n) {
      if (sql.charAt(i) == q) {
        if (i + 1 < n && sql.charAt(i + 1) == q) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return n;
  }

  private static boolean isWordStart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f;
  }

  private static boolean isWordPart(char c) {
    return isWordStart(c);
  }
}
