package dev.opend1.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts SQL text into {@link Token}s as SQLite's own tokenizer ({@code tokenize.c}) does, for what
 * matters here: quoting ({@code '..'} with {@code ''}, {@code ".."} with {@code ""}, {@code `..`}
 * with {@code ``}, {@code [..]} with no escape), comments ({@code --} to the end of the line,
 * {@code /* ... *}{@code /}), whitespace (space, tab, CR, LF, form feed, vertical tab) and words
 * (ASCII letters, digits, {@code _}, {@code $} and every non-ASCII character, so {@code begin_date}
 * is one word, never the keyword {@code BEGIN}).
 *
 * <p>Unterminated quotes and comments run to the end of the text, as in SQLite: an open comment is
 * only a comment, an open quote is an error SQLite reports when it runs the statement.
 *
 * <p>The tokenizer can also read a text that is still arriving ({@link StatementStream}): with
 * {@code complete} false, anything that touches the end of the text so far (a word, a quote, a
 * comment, even whitespace) might go on in the next characters, so it is not returned yet.
 */
final class Tokenizer {

  private Tokenizer() {}

  /** All the tokens of a complete text. */
  static List<Token> tokenize(String sql) {
    List<Token> tokens = new ArrayList<>();
    for (Token t = next(sql, 0, true); t != null; t = next(sql, t.end(), true)) {
      tokens.add(t);
    }
    return tokens;
  }

  /**
   * The first token at or after {@code from}, or null when there is none: the rest is whitespace
   * and comments or, when {@code complete} is false, nothing is certain until more text arrives.
   */
  static Token next(CharSequence sql, int from, boolean complete) {
    int n = sql.length();
    int i = from;
    while (i < n) {
      char c = sql.charAt(i);
      int end;
      if (isSpace(c)) {
        i++;
        continue;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = indexOf(sql, "\n", i + 2);
        i = eol < 0 ? n : eol + 1;
        continue;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int close = indexOf(sql, "*/", i + 2);
        if (close < 0) {
          return null;
        }
        i = close + 2;
        continue;
      }
      Token.Type type;
      if (c == '\'') {
        type = Token.Type.STRING;
        end = quoted(sql, i, '\'');
      } else if (c == '"' || c == '`') {
        type = Token.Type.QUOTED_ID;
        end = quoted(sql, i, c);
      } else if (c == '[') {
        type = Token.Type.QUOTED_ID;
        int close = indexOf(sql, "]", i + 1);
        end = close < 0 ? n : close + 1;
      } else if ((c == 'x' || c == 'X') && i + 1 < n && sql.charAt(i + 1) == '\'') {
        type = Token.Type.BLOB;
        end = quoted(sql, i + 1, '\'');
      } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1)))) {
        type = Token.Type.NUMBER;
        end = number(sql, i);
      } else if (isWordChar(c) && c != '$') {
        type = Token.Type.WORD;
        end = word(sql, i + 1);
      } else if (c == '$' || c == ':' || c == '@' || c == '#') {
        type = Token.Type.VARIABLE;
        end = namedParameter(sql, i);
      } else if (c == '?') {
        type = Token.Type.VARIABLE;
        end = digits(sql, i + 1);
      } else {
        type = punctuation(c);
        end = i + 1;
      }
      if (!complete && end >= n) {
        return null;
      }
      return new Token(type, i, end);
    }
    return null;
  }

  private static Token.Type punctuation(char c) {
    return switch (c) {
      case ';' -> Token.Type.SEMICOLON;
      case '(' -> Token.Type.OPEN_PAREN;
      case ')' -> Token.Type.CLOSE_PAREN;
      case ',' -> Token.Type.COMMA;
      case '.' -> Token.Type.DOT;
      case '=' -> Token.Type.EQUALS;
      default -> Token.Type.OTHER;
    };
  }

  /** The end of a quoted run opened at {@code start}; a doubled quote is part of it. */
  static int quoted(CharSequence sql, int start, char q) {
    int n = sql.length();
    for (int i = indexOf(sql, q, start + 1); i >= 0; i = indexOf(sql, q, i + 2)) {
      if (i + 1 >= n || sql.charAt(i + 1) != q) {
        return i + 1;
      }
    }
    return n;
  }

  /**
   * The first {@code c} at or after {@code from}, or -1. Dumps are mostly long string and blob
   * literals, so this is where tokenizing spends its time: a String or StringBuilder searches its
   * own bytes, much faster than a loop of {@code charAt}.
   */
  private static int indexOf(CharSequence sql, char c, int from) {
    if (sql instanceof String s) {
      return s.indexOf(c, from);
    }
    if (sql instanceof StringBuilder b) {
      return b.indexOf(String.valueOf(c), from);
    }
    for (int i = from; i < sql.length(); i++) {
      if (sql.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The end of a number. Digits, dots and word characters are all taken ({@code 1.5e3}, {@code
   * 0x1F}, and {@code 1abc}, which SQLite reports as one bad token); an exponent's sign splits the
   * number in two, which is harmless: a number is never a keyword or a name.
   */
  static int number(CharSequence sql, int i) {
    while (i < sql.length() && (isWordChar(sql.charAt(i)) || sql.charAt(i) == '.')) {
      i++;
    }
    return i;
  }

  /**
   * The end of a named parameter opened at {@code start} by {@code $}, {@code :}, {@code @} or
   * {@code #}, as {@code tokenize.c} reads it with TCL variables compiled in (they are in every
   * build opend1 runs on): identifier characters, any number of {@code ::} pairs, and after at
   * least one identifier character a {@code (} suffix that runs, quotes and all, up to the first
   * whitespace or {@code )}. So {@code $a(') AS h, file FROM x --'} is one token followed by {@code
   * AS h, file FROM x}, never a string: reading it as SQLite does is what keeps the statement's
   * real names in view.
   */
  private static int namedParameter(CharSequence sql, int start) {
    int n = sql.length();
    int identChars = 0;
    int i = start + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (isWordChar(c)) {
        identChars++;
        i++;
      } else if (c == '(' && identChars > 0) {
        i++;
        while (i < n && !isSpace(sql.charAt(i)) && sql.charAt(i) != ')') {
          i++;
        }
        return i < n && sql.charAt(i) == ')' ? i + 1 : i;
      } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        i += 2;
      } else {
        break;
      }
    }
    return i;
  }

  private static int word(CharSequence sql, int i) {
    while (i < sql.length() && isWordChar(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int digits(CharSequence sql, int i) {
    while (i < sql.length() && isDigit(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int indexOf(CharSequence sql, String s, int from) {
    int n = sql.length() - s.length();
    outer:
    for (int i = from; i <= n; i++) {
      for (int k = 0; k < s.length(); k++) {
        if (sql.charAt(i + k) != s.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * SQLite's whitespace; any other character (a no-break space, say) is part of a word. A vertical
   * tab starts no whitespace run in SQLite but continues one, so {@code " \vPRAGMA ..."} runs the
   * PRAGMA: counting it as whitespace everywhere keeps every statement SQLite runs classified.
   */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** SQLite's identifier characters: ASCII letters and digits, _, $, and all non-ASCII. */
  static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || isDigit(c)
        || c == '_'
        || c == '$'
        || c > 0x7f;
  }
}
