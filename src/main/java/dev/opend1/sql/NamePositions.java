package dev.opend1.sql;

import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the names a statement uses, as SQLite reads them, to spot the table-valued functions it
 * calls ({@code pragma_database_list}, {@code dbstat}).
 *
 * <p>Every bare word and quoted identifier counts, wherever it is: a column or alias of the same
 * name is counted too, which costs little and needs no parsing. A string literal usually is a value
 * ({@code WHERE name = 'dbstat'} must stay allowed), but SQLite also reads a string as a name where
 * its grammar expects one ({@code SELECT * FROM 'dbstat'} reads the table), so a string counts
 * where a table name can stand: after a keyword that introduces one ({@code FROM}, {@code JOIN},
 * {@code INTO}, {@code UPDATE [OR x]}, {@code TABLE}, {@code ON}, {@code REFERENCES}, {@code IN},
 * ...), beside a {@code .}, or after a comma in a FROM list ({@code FROM a, 'dbstat'}).
 */
final class NamePositions {

  /** Keywords a table (or index, view, trigger) name may directly follow. */
  private static final Set<String> BEFORE_NAME =
      Set.of(
          "FROM",
          "JOIN",
          "INTO",
          "UPDATE",
          "TABLE",
          "VIEW",
          "INDEX",
          "TRIGGER",
          "EXISTS",
          "ON",
          "REFERENCES",
          "TO",
          "IN",
          "ANALYZE",
          "REINDEX",
          // UPDATE OR ABORT|FAIL|IGNORE|REPLACE|ROLLBACK name
          "ABORT",
          "FAIL",
          "IGNORE",
          "REPLACE",
          "ROLLBACK");

  /** Keywords that end a FROM list at their parenthesis depth. */
  private static final Set<String> AFTER_FROM =
      Set.of(
          "WHERE",
          "GROUP",
          "HAVING",
          "WINDOW",
          "ORDER",
          "LIMIT",
          "UNION",
          "EXCEPT",
          "INTERSECT",
          "RETURNING",
          "SET",
          "SELECT",
          "VALUES",
          "DO");

  private NamePositions() {}

  /**
   * The names in {@code tokens} that {@code matches} accepts (bare words, quoted identifiers, and
   * string literals where SQLite reads a name), unquoted and lower case, each once.
   */
  static List<String> matching(String sql, List<Token> tokens, Predicate<String> matches) {
    List<String> found = new java.util.ArrayList<>(0);
    int depth = 0;
    BitSet inFromList = new BitSet();
    for (int k = 0; k < tokens.size(); k++) {
      Token t = tokens.get(k);
      switch (t.type()) {
        case WORD, QUOTED_ID -> {
          if (matches.test(t.name(sql))) {
            add(found, t.name(sql));
          }
          if (t.type() == Token.Type.WORD) {
            String w = Ascii.upper(t.text(sql));
            if (w.equals("FROM") || w.equals("JOIN")) {
              inFromList.set(depth);
            } else if (AFTER_FROM.contains(w)) {
              inFromList.clear(depth);
            }
          }
        }
        case STRING -> {
          // Where a string is read as a name first: most strings are values, often long ones.
          if (readAsName(sql, tokens, k, inFromList.get(depth)) && matches.test(t.name(sql))) {
            add(found, t.name(sql));
          }
        }
        case OPEN_PAREN -> depth++;
        case CLOSE_PAREN -> {
          inFromList.clear(depth);
          depth = Math.max(0, depth - 1);
        }
        case SEMICOLON -> inFromList.clear();
        default -> {}
      }
    }
    return found;
  }

  private static void add(List<String> found, String name) {
    String n = Ascii.lower(name);
    if (!found.contains(n)) {
      found.add(n);
    }
  }

  /** Whether SQLite reads the string literal at {@code k} as a name. */
  private static boolean readAsName(String sql, List<Token> tokens, int k, boolean inFromList) {
    Token before = k > 0 ? tokens.get(k - 1) : null;
    Token after = k + 1 < tokens.size() ? tokens.get(k + 1) : null;
    if (after != null && after.type() == Token.Type.DOT) {
      return true;
    }
    if (before == null) {
      return false;
    }
    return switch (before.type()) {
      case DOT -> true;
      case COMMA -> inFromList;
      case WORD -> BEFORE_NAME.contains(Ascii.upper(before.text(sql)));
      default -> false;
    };
  }
}
