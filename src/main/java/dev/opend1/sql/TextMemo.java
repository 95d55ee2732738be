package dev.opend1.sql;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers worked out from SQL texts, kept for the texts that come again: applications send the same
 * few texts over and over, their values bound as parameters, so splitting and classifying each text
 * once saves that work on every later request. Bounded: at most {@code entries} texts of at most
 * {@code maxChars} characters each; longer texts (a dump, a migration) are worked out each time,
 * and the memo is emptied when full. Thread-safe.
 */
public final class TextMemo<V> {

  private final int entries;
  private final int maxChars;

  /** The kept answers by text; emptied when it reaches {@link #entries}. */
  private final ConcurrentHashMap<String, V> answers = new ConcurrentHashMap<>();

  public TextMemo(int entries, int maxChars) {
    this.entries = entries;
    this.maxChars = maxChars;
  }

  /**
   * The answer for {@code sql}: a kept one, else {@code work}'s (kept when the text is short). What
   * {@code work} throws is thrown, and nothing is kept.
   */
  public V get(String sql, Function<String, V> work) {
    if (sql.length() > maxChars) {
      return work.apply(sql);
    }
    V answer = answers.get(sql);
    if (answer == null) {
      answer = work.apply(sql);
      if (answers.size() >= entries) {
        answers.clear();
      }
      answers.put(sql, answer);
    }
    return answer;
  }

  /** How many texts are kept (for tests). */
  int size() {
    return answers.size();
  }
}
