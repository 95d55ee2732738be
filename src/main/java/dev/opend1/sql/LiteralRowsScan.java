package dev.opend1.sql;

import java.util.Arrays;

/**
 * Reads the rows of an INSERT of literals straight from the text after its {@code VALUES}, up to
 * the {@code ;} that ends the statement, without making tokens: the bulk of a dump is millions of
 * such rows ({@code INSERT INTO "t" ("a","b") VALUES(1,'x');}), and {@link StatementStream} reads
 * each one here once its first statement of the same text up to {@code VALUES} went through the
 * tokenizer and the classifier.
 *
 * <p>It accepts only what {@link LiteralRows} accepts from the {@link Tokenizer}'s tokens, and only
 * its plainest spelling: rows of {@code NULL}, numbers with an optional sign, strings and blobs,
 * separated by commas and whitespace, then whitespace and {@code ;}. A comment, a sign apart from
 * its number, anything else, or a text that ends before the {@code ;} is {@link #NOT_PLAIN}: the
 * caller reads the statement with tokens instead, which gives the same result, only slower. So this
 * class can only ever be less accepting than the tokens, never differently.
 *
 * <p>Not thread-safe: one scan at a time; the row sizes are kept for the caller.
 */
final class LiteralRowsScan {

  /** The text is not a plain run of literal rows and a {@code ;}. */
  static final int NOT_PLAIN = -1;

  /** The text so far ends inside the rows: more of it may complete them. */
  static final int NEED_MORE = -2;

  /** The number of values in each row of the last successful scan. */
  private int[] counts = new int[4];

  /** How many rows the last successful scan read. */
  private int rows;

  /** Where the last successful scan's statement text ends: after its last row's {@code )}. */
  private int textEnd;

  /**
   * Scans the rows starting at {@code from}, just after a {@code VALUES} keyword.
   *
   * @param complete whether {@code sql} is the whole text (else more may follow it)
   * @return the offset just after the {@code ;} that ends the statement, {@link #NOT_PLAIN}, or
   *     {@link #NEED_MORE} (never when {@code complete})
   */
  int scan(CharSequence sql, int from, boolean complete) {
    int n = sql.length();
    int missing = complete ? NOT_PLAIN : NEED_MORE;
    rows = 0;
    int i = skipSpace(sql, from);
    while (true) {
      if (i >= n) {
        return missing;
      }
      if (sql.charAt(i) != '(') {
        return NOT_PLAIN;
      }
      int count = 0;
      while (true) {
        i = skipSpace(sql, i + 1);
        if (i >= n) {
          return missing;
        }
        int after = afterLiteral(sql, i);
        if (after < 0) {
          return after == NEED_MORE ? missing : NOT_PLAIN;
        }
        count++;
        i = skipSpace(sql, after);
        if (i >= n) {
          return missing;
        }
        char c = sql.charAt(i);
        if (c == ')') {
          break;
        }
        if (c != ',') {
          return NOT_PLAIN;
        }
      }
      addRow(count);
      int close = i;
      i = skipSpace(sql, i + 1);
      if (i >= n) {
        return missing;
      }
      char c = sql.charAt(i);
      if (c == ';') {
        textEnd = close + 1;
        return i + 1;
      }
      if (c != ',') {
        return NOT_PLAIN;
      }
      i = skipSpace(sql, i + 1);
    }
  }

  /** The number of rows the last successful scan read. */
  int rows() {
    return rows;
  }

  /** The number of values in row {@code r} of the last successful scan. */
  int values(int r) {
    return counts[r];
  }

  /** Where the last successful scan's statement text ends (after its last {@code )}). */
  int textEnd() {
    return textEnd;
  }

  private void addRow(int count) {
    if (rows == counts.length) {
      counts = Arrays.copyOf(counts, rows * 2);
    }
    counts[rows++] = count;
  }

  /**
   * The offset after the literal at {@code i} (not whitespace), {@link #NOT_PLAIN} when none starts
   * there, {@link #NEED_MORE} when it reaches the end of the text so far: a token that touches the
   * end might go on, as {@link Tokenizer#next} holds.
   */
  private static int afterLiteral(CharSequence sql, int i) {
    int n = sql.length();
    char c = sql.charAt(i);
    int end;
    if (c == '\'') {
      end = Tokenizer.quoted(sql, i, '\'');
    } else if ((c == 'x' || c == 'X') && i + 1 < n && sql.charAt(i + 1) == '\'') {
      end = Tokenizer.quoted(sql, i + 1, '\'');
    } else if (c == 'x' || c == 'X') {
      return i + 1 < n ? NOT_PLAIN : NEED_MORE;
    } else if (c == 'n' || c == 'N') {
      end = i + 4;
      if (end >= n) {
        return NEED_MORE;
      }
      boolean isNull =
          Ascii.upper(sql.charAt(i + 1)) == 'U'
              && Ascii.upper(sql.charAt(i + 2)) == 'L'
              && Ascii.upper(sql.charAt(i + 3)) == 'L'
              && !Tokenizer.isWordChar(sql.charAt(end));
      return isNull ? end : NOT_PLAIN;
    } else if (c == '+' || c == '-') {
      return i + 1 < n ? afterNumber(sql, i + 1) : NEED_MORE;
    } else {
      return afterNumber(sql, i);
    }
    return end >= n ? NEED_MORE : end;
  }

  /**
   * The offset after the number at {@code i}, read as {@link LiteralRows} reads its tokens: one
   * number token, and for a decimal one ending in {@code e} or {@code E}, a sign and a second
   * number token right after it ({@code 1.5e-7}, which the tokenizer splits at the sign).
   */
  private static int afterNumber(CharSequence sql, int i) {
    int n = sql.length();
    if (!startsNumber(sql, i)) {
      // A dot at the end might still be a number's first character.
      return i < n && sql.charAt(i) == '.' && i + 1 == n ? NEED_MORE : NOT_PLAIN;
    }
    int end = Tokenizer.number(sql, i);
    if (end + 1 >= n) {
      return NEED_MORE;
    }
    char last = sql.charAt(end - 1);
    boolean hex = end - i > 1 && (sql.charAt(i + 1) | 0x20) == 'x';
    char sign = sql.charAt(end);
    if ((last == 'e' || last == 'E') && !hex && (sign == '+' || sign == '-')) {
      if (startsNumber(sql, end + 1)) {
        end = Tokenizer.number(sql, end + 1);
        return end >= n ? NEED_MORE : end;
      }
      return sql.charAt(end + 1) == '.' && end + 2 == n ? NEED_MORE : NOT_PLAIN;
    }
    return end;
  }

  /** Whether a number token starts at {@code i}: a digit, or a dot and a digit. */
  private static boolean startsNumber(CharSequence sql, int i) {
    int n = sql.length();
    if (i >= n) {
      return false;
    }
    char c = sql.charAt(i);
    return Tokenizer.isDigit(c) || (c == '.' && i + 1 < n && Tokenizer.isDigit(sql.charAt(i + 1)));
  }

  private static int skipSpace(CharSequence sql, int i) {
    int n = sql.length();
    while (i < n && Tokenizer.isSpace(sql.charAt(i))) {
      i++;
    }
    return i;
  }
}
