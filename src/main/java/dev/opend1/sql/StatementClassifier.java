package dev.opend1.sql;

import java.util.List;
import java.util.Optional;

/**
 * Reads what a statement is from its tokens: its kind from the leading keywords (after an optional
 * {@code EXPLAIN [QUERY PLAN]}; for {@code WITH}, from the first keyword after the common table
 * expressions), and the details the engine acts on: the PRAGMA, the table written, D1's reserved
 * tables, TEMP objects.
 */
final class StatementClassifier {

  private StatementClassifier() {}

  /** The statement made of {@code tokens} (at least one, none a terminating {@code ;}). */
  static SqlStatement classify(String sql, List<Token> tokens) {
    String text = sql.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
    int i = afterExplain(sql, tokens);
    boolean explained = i > 0;
    int main = i < tokens.size() && tokens.get(i).is(sql, "WITH") ? mainVerb(sql, tokens, i) : i;
    StatementKind kind = main < tokens.size() ? kindOf(sql, tokens.get(main)) : StatementKind.OTHER;
    if (explained) {
      kind =
          switch (kind) {
            case PRAGMA, TRANSACTION, ATTACH, VACUUM -> kind;
            default -> StatementKind.EXPLAIN;
          };
    }
    PragmaSyntax pragma =
        kind == StatementKind.PRAGMA ? PragmaSyntax.read(sql, tokens, i + 1) : PragmaSyntax.NONE;
    return new SqlStatement(
        text,
        kind,
        pragma.name(),
        pragma.assigns(),
        targetTable(sql, tokens, main),
        kind == StatementKind.DDL && DdlNames.namesReserved(sql, tokens, i),
        createsTemp(sql, tokens, i),
        pragma.schema(),
        pragma.value(),
        NamePositions.matching(sql, tokens, StatementClassifier::isTableFunction),
        kind == StatementKind.DDL ? DdlNames.virtualTableModule(sql, tokens, i) : Optional.empty());
  }

  /**
   * Whether SQLite may read {@code name} as a table-valued function the rules single out: a PRAGMA
   * function ({@code pragma_...}) or a table some builds lack ({@code dbstat}).
   */
  private static boolean isTableFunction(String name) {
    return Ascii.startsWithIgnoreCase(name, "pragma_") || SqlRules.isSingledOutTable(name);
  }

  /** The index of the first token after a leading {@code EXPLAIN [QUERY PLAN]}, else 0. */
  private static int afterExplain(String sql, List<Token> tokens) {
    if (!tokens.get(0).is(sql, "EXPLAIN")) {
      return 0;
    }
    boolean queryPlan =
        tokens.size() > 2 && tokens.get(1).is(sql, "QUERY") && tokens.get(2).is(sql, "PLAN");
    return queryPlan ? 3 : 1;
  }

  private static StatementKind kindOf(String sql, Token t) {
    if (t.type() != Token.Type.WORD) {
      return StatementKind.OTHER;
    }
    return switch (Ascii.upper(t.text(sql))) {
      case "SELECT", "VALUES" -> StatementKind.SELECT;
      case "INSERT", "REPLACE", "UPDATE", "DELETE" -> StatementKind.WRITE;
      case "CREATE", "DROP", "ALTER" -> StatementKind.DDL;
      case "PRAGMA" -> StatementKind.PRAGMA;
      case "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE" ->
          StatementKind.TRANSACTION;
      case "ATTACH", "DETACH" -> StatementKind.ATTACH;
      case "VACUUM" -> StatementKind.VACUUM;
      case "ANALYZE" -> StatementKind.ANALYZE;
      case "REINDEX" -> StatementKind.REINDEX;
      default -> StatementKind.OTHER;
    };
  }

  /**
   * For a {@code WITH} at {@code with}: the index of the statement's own verb, the first SELECT,
   * VALUES, INSERT, REPLACE, UPDATE or DELETE outside parentheses (the CTE bodies are all inside
   * them); {@code tokens.size()} when there is none.
   */
  private static int mainVerb(String sql, List<Token> tokens, int with) {
    int depth = 0;
    for (int j = with + 1; j < tokens.size(); j++) {
      Token t = tokens.get(j);
      switch (t.type()) {
        case OPEN_PAREN -> depth++;
        case CLOSE_PAREN -> depth--;
        default -> {
          StatementKind k = depth == 0 ? kindOf(sql, t) : StatementKind.OTHER;
          if (k == StatementKind.SELECT || k == StatementKind.WRITE) {
            return j;
          }
        }
      }
    }
    return tokens.size();
  }

  /**
   * The table written by the INSERT, REPLACE, UPDATE or DELETE at {@code verb}: {@code INSERT [OR
   * x] INTO}, {@code REPLACE INTO}, {@code UPDATE [OR x]}, {@code DELETE FROM}, then {@code
   * [schema.]name}.
   */
  private static Optional<String> targetTable(String sql, List<Token> tokens, int verb) {
    if (verb >= tokens.size()) {
      return Optional.empty();
    }
    Token t = tokens.get(verb);
    int j = verb + 1;
    if ((t.is(sql, "INSERT") || t.is(sql, "UPDATE")) && is(sql, tokens, j, "OR")) {
      j += 2;
    }
    if (t.is(sql, "INSERT") || t.is(sql, "REPLACE")) {
      if (!is(sql, tokens, j++, "INTO")) {
        return Optional.empty();
      }
    } else if (t.is(sql, "DELETE")) {
      if (!is(sql, tokens, j++, "FROM")) {
        return Optional.empty();
      }
    } else if (!t.is(sql, "UPDATE")) {
      return Optional.empty();
    }
    int name = qualified(tokens, j);
    return name < 0 ? Optional.empty() : Optional.of(tokens.get(name).name(sql));
  }

  /**
   * Whether the statement from {@code i} creates a TEMP object: {@code CREATE TEMP|TEMPORARY ...},
   * or {@code CREATE [UNIQUE|VIRTUAL] TABLE|VIEW|INDEX|TRIGGER [IF NOT EXISTS] temp.name}.
   */
  private static boolean createsTemp(String sql, List<Token> tokens, int i) {
    if (!is(sql, tokens, i, "CREATE")) {
      return false;
    }
    int j = i + 1;
    if (is(sql, tokens, j, "TEMP") || is(sql, tokens, j, "TEMPORARY")) {
      return true;
    }
    if (is(sql, tokens, j, "UNIQUE") || is(sql, tokens, j, "VIRTUAL")) {
      j++;
    }
    if (!(is(sql, tokens, j, "TABLE")
        || is(sql, tokens, j, "VIEW")
        || is(sql, tokens, j, "INDEX")
        || is(sql, tokens, j, "TRIGGER"))) {
      return false;
    }
    j++;
    if (is(sql, tokens, j, "IF")
        && is(sql, tokens, j + 1, "NOT")
        && is(sql, tokens, j + 2, "EXISTS")) {
      j += 3;
    }
    return qualified(tokens, j) == j + 2 && Ascii.lower(tokens.get(j).name(sql)).equals("temp");
  }

  /**
   * For a name that may be schema-qualified starting at {@code j}: the index of the name itself
   * ({@code j}, or {@code j + 2} after {@code schema.}), or -1 when there is no name there.
   */
  static int qualified(List<Token> tokens, int j) {
    if (j >= tokens.size() || !tokens.get(j).isName()) {
      return -1;
    }
    if (j + 2 < tokens.size()
        && tokens.get(j + 1).type() == Token.Type.DOT
        && tokens.get(j + 2).isName()) {
      return j + 2;
    }
    return j;
  }

  /** Whether token {@code j} exists and is the keyword {@code keyword}. */
  static boolean is(String sql, List<Token> tokens, int j, String keyword) {
    return j < tokens.size() && tokens.get(j).is(sql, keyword);
  }
}
