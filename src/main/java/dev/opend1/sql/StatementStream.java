package dev.opend1.sql;

import java.io.IOException;
import java.io.Reader;
import java.util.List;

/**
 * Reads statements one at a time from a SQL text too large to hold (an import of gigabytes), with
 * the same rules as {@link StatementSplitter}: quotes, comments and trigger bodies do not end a
 * statement. Memory is bounded by the longest statement, which is refused past {@code maxChars}.
 */
public final class StatementStream {

  private enum State {
    NORMAL,
    SINGLE,
    DOUBLE,
    BACKTICK,
    BRACKET,
    LINE_COMMENT,
    BLOCK_COMMENT
  }

  private final Reader in;
  private final int maxChars;
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder word = new StringBuilder();
  private int pushedBack = -1;

  /** Statements returned so far (1-based number of the last one). */
  private long count;

  public StatementStream(Reader in, int maxChars) {
    this.in = in;
    this.maxChars = maxChars;
  }

  /** A statement longer than the limit. */
  public static final class TooLong extends IOException {
    TooLong(long number, int max) {
      super("statement " + number + " is longer than " + max + " characters");
    }
  }

  /** The next statement, or null at the end. */
  public SqlStatement next() throws IOException {
    while (true) {
      String raw = readRaw();
      if (raw == null) {
        return null;
      }
      List<SqlStatement> parsed = StatementSplitter.split(raw);
      if (!parsed.isEmpty()) {
        count++;
        return parsed.get(0);
      }
    }
  }

  /** How many statements {@link #next} returned. */
  public long count() {
    return count;
  }

  /** The text up to the next statement-ending semicolon (or the end), or null at the end. */
  private String readRaw() throws IOException {
    text.setLength(0);
    word.setLength(0);
    State state = State.NORMAL;
    int leadingWords = 0;
    boolean trigger = false;
    boolean inBody = false;
    boolean bodyDone = false;
    int caseDepth = 0;
    String first = null;
    String second = null;
    boolean any = false;
    for (int c; (c = read()) >= 0; ) {
      any = true;
      char ch = (char) c;
      if (state == State.NORMAL && !isWordChar(ch) && word.length() > 0) {
        String w = word.toString().toUpperCase(java.util.Locale.ROOT);
        word.setLength(0);
        leadingWords++;
        if (leadingWords == 1) {
          first = w;
        } else if (leadingWords == 2) {
          second = w;
          trigger = "CREATE".equals(first) && "TRIGGER".equals(w);
        } else if (leadingWords == 3
            && "CREATE".equals(first)
            && ("TEMP".equals(second) || "TEMPORARY".equals(second))) {
          trigger = "TRIGGER".equals(w);
        }
        if (trigger && !bodyDone) {
          if (w.equals("CASE")) {
            caseDepth++;
          } else if (w.equals("BEGIN") && !inBody) {
            inBody = true;
          } else if (w.equals("END")) {
            if (caseDepth > 0) {
              caseDepth--;
            } else if (inBody) {
              bodyDone = true;
            }
          }
        }
      }
      switch (state) {
        case NORMAL -> {
          if (ch == ';' && (!trigger || !inBody || bodyDone)) {
            return text.toString();
          }
          if (isWordChar(ch)) {
            word.append(ch);
          } else if (ch == '\'') {
            state = State.SINGLE;
          } else if (ch == '"') {
            state = State.DOUBLE;
          } else if (ch == '`') {
            state = State.BACKTICK;
          } else if (ch == '[') {
            state = State.BRACKET;
          } else if (ch == '-' && peek() == '-') {
            state = State.LINE_COMMENT;
          } else if (ch == '/' && peek() == '*') {
            state = State.BLOCK_COMMENT;
            text.append(ch);
            ch = (char) read();
          }
        }
        case SINGLE -> state = closeQuote(ch, '\'', State.SINGLE);
        case DOUBLE -> state = closeQuote(ch, '"', State.DOUBLE);
        case BACKTICK -> state = closeQuote(ch, '`', State.BACKTICK);
        case BRACKET -> state = ch == ']' ? State.NORMAL : State.BRACKET;
        case LINE_COMMENT -> state = ch == '\n' ? State.NORMAL : State.LINE_COMMENT;
        case BLOCK_COMMENT -> {
          if (ch == '*' && peek() == '/') {
            text.append(ch);
            ch = (char) read();
            state = State.NORMAL;
          }
        }
      }
      text.append(ch);
      if (text.length() > maxChars) {
        throw new TooLong(count + 1, maxChars);
      }
    }
    return any ? text.toString() : null;
  }

  /** Inside a quote: the closing quote ends it unless doubled. */
  private State closeQuote(char ch, char quote, State inside) throws IOException {
    if (ch != quote) {
      return inside;
    }
    if (peek() == quote) {
      text.append(ch);
      read();
      return inside;
    }
    return State.NORMAL;
  }

  private int read() throws IOException {
    if (pushedBack >= 0) {
      int c = pushedBack;
      pushedBack = -1;
      return c;
    }
    return in.read();
  }

  private int peek() throws IOException {
    if (pushedBack < 0) {
      pushedBack = in.read();
    }
    return pushedBack;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f;
  }
}
