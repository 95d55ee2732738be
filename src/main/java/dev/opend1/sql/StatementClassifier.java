package dev.opend1.sql;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads a statement's leading keywords: its kind, PRAGMA name, target table and the like. */
final class StatementClassifier {

  private static final Set<String> TRANSACTION =
      Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE");

  private StatementClassifier() {}

  static SqlStatement classify(String text, String sql, List<Token> tokens) {
    int i = 0;
    boolean explain = false;
    if (tokens.get(0).is(sql, "EXPLAIN")) {
      explain = true;
      i = 1;
      if (i + 1 < tokens.size()
          && tokens.get(i).is(sql, "QUERY")
          && tokens.get(i + 1).is(sql, "PLAN")) {
        i += 2;
      }
    }
    StatementKind kind = i < tokens.size() ? kindAt(sql, tokens, i) : StatementKind.OTHER;
    Optional<String> pragmaName = Optional.empty();
    Optional<String> pragmaSchema = Optional.empty();
    boolean assigns = false;
    if (kind == StatementKind.PRAGMA) {
      int n = i + 1;
      if (n + 2 < tokens.size() && tokens.get(n + 1).type() == Token.Type.DOT) {
        pragmaSchema = Optional.of(tokens.get(n).name(sql).toLowerCase(Locale.ROOT));
        n += 2;
      }
      if (n < tokens.size()) {
        String name = tokens.get(n).name(sql).toLowerCase(Locale.ROOT);
        pragmaName = Optional.of(name);
        Token.Type next = n + 1 < tokens.size() ? tokens.get(n + 1).type() : null;
        assigns =
            next == Token.Type.EQUALS
                || (next == Token.Type.OPEN_PAREN && PragmaPolicy.isSetting(name));
      }
    }
    if (explain
        && kind != StatementKind.TRANSACTION
        && kind != StatementKind.ATTACH
        && kind != StatementKind.VACUUM
        && kind != StatementKind.PRAGMA) {
      kind = StatementKind.EXPLAIN;
    }
    return new SqlStatement(
        text,
        kind,
        pragmaName,
        pragmaSchema,
        assigns,
        targetTable(sql, tokens, i),
        touchesReserved(sql, tokens),
        createsTemp(sql, tokens, i));
  }

  private static StatementKind kindAt(String sql, List<Token> tokens, int i) {
    Token t = tokens.get(i);
    if (t.type() != Token.Type.WORD) {
      return StatementKind.OTHER;
    }
    String w = t.text(sql).toUpperCase(Locale.ROOT);
    if (TRANSACTION.contains(w)) {
      return StatementKind.TRANSACTION;
    }
    return switch (w) {
      case "SELECT", "VALUES" -> StatementKind.SELECT;
      case "INSERT", "REPLACE", "UPDATE", "DELETE" -> StatementKind.WRITE;
      case "CREATE", "DROP", "ALTER" -> StatementKind.DDL;
      case "PRAGMA" -> StatementKind.PRAGMA;
      case "ATTACH", "DETACH" -> StatementKind.ATTACH;
      case "VACUUM" -> StatementKind.VACUUM;
      case "ANALYZE" -> StatementKind.ANALYZE;
      case "REINDEX" -> StatementKind.REINDEX;
      case "WITH" -> afterCommonTableExpressions(sql, tokens, i + 1);
      default -> StatementKind.OTHER;
    };
  }

  /** A WITH statement is what its first keyword at parenthesis depth 0 after the CTEs says. */
  private static StatementKind afterCommonTableExpressions(
      String sql, List<Token> tokens, int from) {
    int j = mainKeyword(sql, tokens, from);
    return j < 0 ? StatementKind.OTHER : kindAt(sql, tokens, j);
  }

  /** Index of the first SELECT/VALUES/INSERT/REPLACE/UPDATE/DELETE at depth 0, or -1. */
  private static int mainKeyword(String sql, List<Token> tokens, int from) {
    int depth = 0;
    for (int j = from; j < tokens.size(); j++) {
      Token t = tokens.get(j);
      if (t.type() == Token.Type.OPEN_PAREN) {
        depth++;
      } else if (t.type() == Token.Type.CLOSE_PAREN) {
        depth--;
      } else if (depth == 0
          && (t.is(sql, "SELECT")
              || t.is(sql, "VALUES")
              || t.is(sql, "INSERT")
              || t.is(sql, "REPLACE")
              || t.is(sql, "UPDATE")
              || t.is(sql, "DELETE"))) {
        return j;
      }
    }
    return -1;
  }

  /** The table an INSERT, REPLACE, UPDATE or DELETE writes (also after WITH), unquoted. */
  private static Optional<String> targetTable(String sql, List<Token> tokens, int i) {
    if (i >= tokens.size()) {
      return Optional.empty();
    }
    if (tokens.get(i).is(sql, "WITH")) {
      i = mainKeyword(sql, tokens, i + 1);
      if (i < 0) {
        return Optional.empty();
      }
    }
    Token t = tokens.get(i);
    int j;
    if (t.is(sql, "INSERT") || t.is(sql, "REPLACE")) {
      j = indexOfWord(sql, tokens, i, "INTO");
    } else if (t.is(sql, "DELETE")) {
      j = indexOfWord(sql, tokens, i, "FROM");
    } else if (t.is(sql, "UPDATE")) {
      j = i;
      if (j + 2 < tokens.size() && tokens.get(j + 1).is(sql, "OR")) {
        j += 2;
      }
    } else {
      return Optional.empty();
    }
    if (j < 0 || j + 1 >= tokens.size()) {
      return Optional.empty();
    }
    int name = j + 1;
    if (name + 2 < tokens.size() && tokens.get(name + 1).type() == Token.Type.DOT) {
      name += 2;
    }
    Token n = tokens.get(name);
    return n.type() == Token.Type.WORD || n.type() == Token.Type.QUOTED_ID
        ? Optional.of(n.name(sql))
        : Optional.empty();
  }

  private static int indexOfWord(String sql, List<Token> tokens, int from, String word) {
    for (int j = from; j < Math.min(tokens.size(), from + 4); j++) {
      if (tokens.get(j).is(sql, word)) {
        return j;
      }
    }
    return -1;
  }

  private static boolean touchesReserved(String sql, List<Token> tokens) {
    for (Token t : tokens) {
      if ((t.type() == Token.Type.WORD || t.type() == Token.Type.QUOTED_ID)
          && t.name(sql).regionMatches(true, 0, "_cf_", 0, 4)) {
        return true;
      }
    }
    return false;
  }

  private static boolean createsTemp(String sql, List<Token> tokens, int i) {
    return i + 1 < tokens.size()
        && tokens.get(i).is(sql, "CREATE")
        && (tokens.get(i + 1).is(sql, "TEMP") || tokens.get(i + 1).is(sql, "TEMPORARY"));
  }
}
