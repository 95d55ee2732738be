package dev.opend1.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at the semicolons that end them: not those inside quotes or
 * comments, and not those inside a {@code CREATE TRIGGER ... BEGIN ... END} body. The body ends at
 * the {@code END} that closes it; {@code CASE ... END} expressions inside it are counted so their
 * {@code END} does not end the body. Empty statements are dropped.
 */
public final class StatementSplitter {

  private StatementSplitter() {}

  /** The statements of {@code sql}, in order. */
  public static List<SqlStatement> split(String sql) {
    List<Token> tokens = Tokenizer.tokenize(sql);
    List<SqlStatement> out = new ArrayList<>();
    int first = 0;
    while (first < tokens.size()) {
      int end = endOf(sql, tokens, first);
      if (end > first) {
        List<Token> own = tokens.subList(first, end);
        String text = sql.substring(own.get(0).start(), own.get(own.size() - 1).end());
        out.add(StatementClassifier.classify(text, sql, own));
      }
      first = end + 1;
    }
    return out;
  }

  /** The index of the semicolon token that ends the statement starting at {@code first}. */
  private static int endOf(String sql, List<Token> tokens, int first) {
    boolean trigger = isCreateTrigger(sql, tokens, first);
    boolean inBody = false;
    boolean bodyDone = false;
    int caseDepth = 0;
    for (int i = first; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.type() == Token.Type.SEMICOLON && (!trigger || !inBody || bodyDone)) {
        return i;
      }
      if (!trigger || bodyDone || t.type() != Token.Type.WORD) {
        continue;
      }
      if (t.is(sql, "CASE")) {
        caseDepth++;
      } else if (t.is(sql, "BEGIN") && !inBody) {
        inBody = true;
      } else if (t.is(sql, "END")) {
        if (caseDepth > 0) {
          caseDepth--;
        } else if (inBody) {
          bodyDone = true;
        }
      }
    }
    return tokens.size();
  }

  private static boolean isCreateTrigger(String sql, List<Token> tokens, int first) {
    int i = first;
    if (i >= tokens.size() || !tokens.get(i).is(sql, "CREATE")) {
      return false;
    }
    i++;
    if (i < tokens.size()
        && (tokens.get(i).is(sql, "TEMP") || tokens.get(i).is(sql, "TEMPORARY"))) {
      i++;
    }
    return i < tokens.size() && tokens.get(i).is(sql, "TRIGGER");
  }
}
