package dev.opend1.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL text into statements at the semicolons that end them: not those inside quotes or
 * comments ({@link Tokenizer}), nor those inside a trigger body ({@link StatementBoundary}). Each
 * statement is classified ({@link StatementClassifier}); empty ones (only whitespace, comments,
 * {@code ;}) are dropped. Never throws on malformed text: an unterminated quote or comment runs to
 * the end, and SQLite reports what is wrong when the statement runs.
 *
 * <p>The text is tokenized as it is read, one statement at a time, so only the tokens of the
 * statement at hand are held (a token costs about 30 bytes, up to 30 times the text it covers).
 */
public final class StatementSplitter {

  private StatementSplitter() {}

  /**
   * The statements of {@code sql}, in order, each with its text as written (without the terminating
   * {@code ;} and the whitespace and comments around it).
   */
  public static List<SqlStatement> split(String sql) {
    List<SqlStatement> out = new ArrayList<>();
    List<Token> statement = new ArrayList<>();
    StatementBoundary boundary = new StatementBoundary();
    for (Token t = Tokenizer.next(sql, 0, true);
        t != null;
        t = Tokenizer.next(sql, t.end(), true)) {
      if (boundary.ends(sql, t)) {
        add(out, sql, statement);
        statement = new ArrayList<>();
        boundary.reset();
      } else {
        statement.add(t);
      }
    }
    add(out, sql, statement);
    return out;
  }

  private static void add(List<SqlStatement> out, String sql, List<Token> statement) {
    if (!statement.isEmpty()) {
      out.add(StatementClassifier.classify(sql, statement));
    }
  }

  /**
   * What {@link #measure} found.
   *
   * @param statements how many statements {@link #split} would return, counted no further than one
   *     past the limit
   * @param tooLong whether a statement's text is longer than the limit (counting stopped there)
   */
  public record Measure(int statements, boolean tooLong) {}

  /**
   * Counts the statements of {@code sql} exactly as {@link #split} cuts them, without classifying
   * or keeping anything, so a text of millions of statements costs no memory. Stops at statement
   * {@code maxStatements + 1}, or at the first statement whose text (as {@link SqlStatement#text})
   * is longer than {@code maxChars} characters.
   */
  public static Measure measure(String sql, int maxStatements, int maxChars) {
    int count = 0;
    int start = -1; // where the statement at hand starts; -1 before its first token
    StatementBoundary boundary = new StatementBoundary();
    for (Token t = Tokenizer.next(sql, 0, true);
        t != null;
        t = Tokenizer.next(sql, t.end(), true)) {
      if (boundary.ends(sql, t)) {
        boundary.reset();
        start = -1;
        continue;
      }
      if (start < 0) {
        start = t.start();
        if (++count > maxStatements) {
          return new Measure(count, false);
        }
      }
      if (t.end() - start > maxChars) {
        return new Measure(count, true);
      }
    }
    return new Measure(count, false);
  }
}
