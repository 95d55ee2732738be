package dev.opend1.sql;

/**
 * Finds the semicolon that ends a statement, fed one token at a time (so that {@link
 * StatementSplitter} and {@link StatementStream} share one rule). Any {@code ;} ends a statement
 * except inside the body of a {@code [EXPLAIN [QUERY PLAN]] CREATE [TEMP|TEMPORARY] TRIGGER}.
 *
 * <p>The body starts at the first {@code BEGIN} after {@code TRIGGER} and ends at an {@code END}
 * that comes right after a {@code ;}. That is SQLite's own rule ({@code sqlite3_complete} in {@code
 * complete.c}, which the sqlite3 shell uses to cut its input), and it follows from the grammar:
 * every statement in a body ends with {@code ;}, and no statement starts with {@code END}. So an
 * {@code END} that closes a {@code CASE} (it never follows a {@code ;}) needs no counting, and
 * neither does {@code end} used as a column name ({@code UPDATE t SET end = 1;}, legal because
 * {@code END} is a fallback keyword in SQLite's grammar), which a "count CASE, any other END closes
 * the body" rule would take for the end of the body. A {@code BEGIN} used as a name before the real
 * one (a column {@code new.begin} in the WHEN clause) only starts the body early, which is
 * harmless: a valid trigger has no {@code ;} before its body.
 *
 * <p>One instance reads one statement; {@link #reset} readies it for the next.
 */
final class StatementBoundary {

  /** Where in the statement the tokens so far have led. */
  private enum State {
    /** Nothing read yet. */
    START,
    /** {@code EXPLAIN}. */
    EXPLAIN,
    /** {@code EXPLAIN QUERY}. */
    EXPLAIN_QUERY,
    /** {@code [EXPLAIN [QUERY PLAN]]}: only CREATE may still make this a trigger. */
    EXPLAINED,
    /** {@code CREATE}. */
    CREATE,
    /** {@code CREATE TEMP}. */
    CREATE_TEMP,
    /** {@code CREATE TRIGGER}, before {@code BEGIN}: a {@code ;} here still ends it. */
    TRIGGER_HEAD,
    /** Inside {@code BEGIN ... END}. */
    TRIGGER_BODY,
    /** Not a trigger, or one whose body has ended: the next {@code ;} ends it. */
    PLAIN
  }

  private State state = State.START;

  /** In a trigger body: whether the last token was a {@code ;}. */
  private boolean afterSemicolon;

  /** Whether {@code t}, the next token of the statement, is the {@code ;} that ends it. */
  boolean ends(CharSequence sql, Token t) {
    if (state == State.TRIGGER_BODY) {
      boolean semicolon = t.type() == Token.Type.SEMICOLON;
      if (afterSemicolon && t.is(sql, "END")) {
        state = State.PLAIN;
      }
      afterSemicolon = semicolon;
      return false;
    }
    if (t.type() == Token.Type.SEMICOLON) {
      return true;
    }
    state = after(sql, t);
    return false;
  }

  /** Readies this for the next statement. */
  void reset() {
    state = State.START;
    afterSemicolon = false;
  }

  /** The state after token {@code t} (not a {@code ;}) outside a trigger body. */
  private State after(CharSequence sql, Token t) {
    return switch (state) {
      case START ->
          t.is(sql, "EXPLAIN") ? State.EXPLAIN : t.is(sql, "CREATE") ? State.CREATE : State.PLAIN;
      case EXPLAIN ->
          t.is(sql, "QUERY")
              ? State.EXPLAIN_QUERY
              : t.is(sql, "CREATE") ? State.CREATE : State.PLAIN;
      case EXPLAIN_QUERY -> t.is(sql, "PLAN") ? State.EXPLAINED : State.PLAIN;
      case EXPLAINED -> t.is(sql, "CREATE") ? State.CREATE : State.PLAIN;
      case CREATE ->
          t.is(sql, "TEMP") || t.is(sql, "TEMPORARY")
              ? State.CREATE_TEMP
              : t.is(sql, "TRIGGER") ? State.TRIGGER_HEAD : State.PLAIN;
      case CREATE_TEMP -> t.is(sql, "TRIGGER") ? State.TRIGGER_HEAD : State.PLAIN;
      case TRIGGER_HEAD -> t.is(sql, "BEGIN") ? State.TRIGGER_BODY : State.TRIGGER_HEAD;
      case TRIGGER_BODY, PLAIN -> state;
    };
  }
}
