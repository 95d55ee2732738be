package dev.opend1.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL text into statements at the semicolons that end them: not those inside quotes or
 * comments ({@link Tokenizer}), nor those inside a trigger body ({@link StatementBoundary}). Each
 * statement is classified ({@link StatementClassifier}); empty ones (only whitespace, comments,
 * {@code ;}) are dropped. Never throws on malformed text: an unterminated quote or comment runs to
 * the end, and SQLite reports what is wrong when the statement runs.
 */
public final class StatementSplitter {

  private StatementSplitter() {}

  /**
   * The statements of {@code sql}, in order, each with its text as written (without the terminating
   * {@code ;} and the whitespace and comments around it).
   */
  public static List<SqlStatement> split(String sql) {
    List<Token> tokens = Tokenizer.tokenize(sql);
    List<SqlStatement> out = new ArrayList<>();
    StatementBoundary boundary = new StatementBoundary();
    int first = 0;
    for (int i = 0; i < tokens.size(); i++) {
      if (boundary.ends(sql, tokens.get(i))) {
        add(out, sql, tokens.subList(first, i));
        boundary.reset();
        first = i + 1;
      }
    }
    add(out, sql, tokens.subList(first, tokens.size()));
    return out;
  }

  private static void add(List<SqlStatement> out, String sql, List<Token> statement) {
    if (!statement.isEmpty()) {
      out.add(StatementClassifier.classify(sql, statement));
    }
  }
}
