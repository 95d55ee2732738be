package dev.opend1.sql;

/**
 * A statement's shape: its text with every literal replaced by {@code ?}, so statements that differ
 * only in their values are counted as one query in the analytics ({@code d1QueriesAdaptiveGroups}).
 *
 * <p>D1 keeps a statement's text and leaves its bound parameters out, "to remove any sensitive
 * information" (Cloudflare's D1 docs, Query insights). A value written into the text itself would
 * still be kept there, so literals go too: strings, blobs and numbers become {@code ?}. Bound
 * parameters ({@code ?}, {@code ?1}, {@code :name}) stay as written. Comments are dropped, any run
 * of whitespace or comments between two tokens becomes one space, and letter case is kept ({@code
 * FROM} and {@code From} are two queries, as in D1).
 */
public final class QueryShape {

  /** The longest shape kept, in characters; a longer one is cut and ends with {@code ...}. */
  public static final int MAX_CHARS = 4096;

  private QueryShape() {}

  /** The shape of one statement's text (as {@link SqlStatement#text} gives it). */
  public static String of(String statement) {
    StringBuilder out = new StringBuilder(Math.min(statement.length(), MAX_CHARS));
    int previousEnd = -1;
    for (Token t = Tokenizer.next(statement, 0, true);
        t != null;
        t = Tokenizer.next(statement, t.end(), true)) {
      if (previousEnd >= 0 && t.start() > previousEnd) {
        out.append(' ');
      }
      switch (t.type()) {
        case STRING, BLOB, NUMBER -> out.append('?');
        default -> out.append(statement, t.start(), t.end());
      }
      previousEnd = t.end();
      if (out.length() > MAX_CHARS) {
        out.setLength(MAX_CHARS - 3);
        return out.append("...").toString();
      }
    }
    return out.toString();
  }
}
