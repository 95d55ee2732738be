package dev.opend1.sql;

import java.util.List;
import java.util.Optional;

/**
 * The names a DDL statement gives, at the fixed places SQLite's grammar puts them: the object
 * {@code CREATE}, {@code DROP} or {@code ALTER TABLE} acts on, the new name of {@code ALTER TABLE
 * ... RENAME TO}, the table an index or trigger is {@code ON}, and the module of {@code CREATE
 * VIRTUAL TABLE ... USING}. These are the names D1's authorizer checks against its reserved {@code
 * _cf_} prefix (workerd {@code sql.c++}: tables, views, indexes, triggers, virtual tables; never
 * columns), and they are never compiled into another statement, so reading them from the tokens is
 * reading what SQLite will act on.
 */
final class DdlNames {

  private DdlNames() {}

  /** Whether the statement starting at token {@code i} gives a reserved name (see above). */
  static boolean namesReserved(String sql, List<Token> tokens, int i) {
    for (int at : objectNames(sql, tokens, i)) {
      if (at >= 0 && SqlRules.isReserved(tokens.get(at).name(sql))) {
        return true;
      }
    }
    return false;
  }

  /** For {@code CREATE VIRTUAL TABLE} at token {@code i}: the module after {@code USING}. */
  static Optional<String> virtualTableModule(String sql, List<Token> tokens, int i) {
    if (!StatementClassifier.is(sql, tokens, i, "CREATE")
        || !StatementClassifier.is(sql, tokens, i + 1, "VIRTUAL")
        || !StatementClassifier.is(sql, tokens, i + 2, "TABLE")) {
      return Optional.empty();
    }
    int name = StatementClassifier.qualified(tokens, afterIfExists(sql, tokens, i + 3, true));
    if (name < 0 || !StatementClassifier.is(sql, tokens, name + 1, "USING")) {
      return Optional.empty();
    }
    int module = name + 2;
    return module < tokens.size() && tokens.get(module).isName()
        ? Optional.of(tokens.get(module).name(sql))
        : Optional.of("");
  }

  /** Token indexes of the names the DDL statement at {@code i} gives; -1 for a missing one. */
  private static int[] objectNames(String sql, List<Token> tokens, int i) {
    if (StatementClassifier.is(sql, tokens, i, "CREATE")) {
      int j = i + 1;
      if (StatementClassifier.is(sql, tokens, j, "TEMP")
          || StatementClassifier.is(sql, tokens, j, "TEMPORARY")) {
        j++;
      }
      if (StatementClassifier.is(sql, tokens, j, "UNIQUE")
          || StatementClassifier.is(sql, tokens, j, "VIRTUAL")) {
        j++;
      }
      boolean onTable =
          StatementClassifier.is(sql, tokens, j, "INDEX")
              || StatementClassifier.is(sql, tokens, j, "TRIGGER");
      if (!onTable
          && !StatementClassifier.is(sql, tokens, j, "TABLE")
          && !StatementClassifier.is(sql, tokens, j, "VIEW")) {
        return new int[0];
      }
      int name = StatementClassifier.qualified(tokens, afterIfExists(sql, tokens, j + 1, true));
      if (!onTable || name < 0) {
        return new int[] {name};
      }
      return new int[] {
        name, StatementClassifier.qualified(tokens, firstOn(sql, tokens, name) + 1)
      };
    }
    if (StatementClassifier.is(sql, tokens, i, "DROP")) {
      return new int[] {
        StatementClassifier.qualified(tokens, afterIfExists(sql, tokens, i + 2, false))
      };
    }
    if (StatementClassifier.is(sql, tokens, i, "ALTER")
        && StatementClassifier.is(sql, tokens, i + 1, "TABLE")) {
      int name = StatementClassifier.qualified(tokens, i + 2);
      int renamed = -1;
      if (name >= 0
          && StatementClassifier.is(sql, tokens, name + 1, "RENAME")
          && StatementClassifier.is(sql, tokens, name + 2, "TO")) {
        renamed = StatementClassifier.qualified(tokens, name + 3);
      }
      return new int[] {name, renamed};
    }
    return new int[0];
  }

  /** Skips {@code IF NOT EXISTS} ({@code create}) or {@code IF EXISTS} at {@code j}. */
  private static int afterIfExists(String sql, List<Token> tokens, int j, boolean create) {
    if (!StatementClassifier.is(sql, tokens, j, "IF")) {
      return j;
    }
    if (create && StatementClassifier.is(sql, tokens, j + 1, "NOT")) {
      return StatementClassifier.is(sql, tokens, j + 2, "EXISTS") ? j + 3 : j;
    }
    return StatementClassifier.is(sql, tokens, j + 1, "EXISTS") ? j + 2 : j;
  }

  /**
   * The first {@code ON} outside parentheses after {@code from} and before a trigger's {@code
   * BEGIN}: where an index's or trigger's table is named. {@code tokens.size()} when there is none.
   */
  private static int firstOn(String sql, List<Token> tokens, int from) {
    int depth = 0;
    for (int k = from + 1; k < tokens.size(); k++) {
      Token t = tokens.get(k);
      if (t.type() == Token.Type.OPEN_PAREN) {
        depth++;
      } else if (t.type() == Token.Type.CLOSE_PAREN) {
        depth--;
      } else if (depth == 0 && t.is(sql, "BEGIN")) {
        break;
      } else if (depth == 0 && t.is(sql, "ON")) {
        return k;
      }
    }
    return tokens.size();
  }
}
