package dev.opend1.sql;

import java.util.List;
import java.util.Optional;

/**
 * What a PRAGMA statement says: {@code PRAGMA [schema.]name [= value | (value)]}. SQLite reads the
 * schema and the name as names, so they may be quoted, even as strings ({@code PRAGMA
 * 'foreign_keys' = 1} works); both are unquoted and lowercased here.
 *
 * @param name the pragma's name, empty when the statement has none (a syntax error)
 * @param schema the schema prefix, when there is one
 * @param assigns whether it sets a value (see {@link SqlStatement#pragmaAssigns})
 * @param value the value or argument as SQLite hands it to the pragma (and to D1's authorizer): a
 *     name or string unquoted, a signed number as written ({@code -1}); empty when there is none
 */
record PragmaSyntax(
    Optional<String> name, Optional<String> schema, boolean assigns, Optional<String> value) {

  /** Not a PRAGMA. */
  static final PragmaSyntax NONE =
      new PragmaSyntax(Optional.empty(), Optional.empty(), false, Optional.empty());

  /** The PRAGMA whose name (maybe schema-qualified) starts at token {@code j}. */
  static PragmaSyntax read(String sql, List<Token> tokens, int j) {
    int at = StatementClassifier.qualified(tokens, j);
    if (at < 0) {
      return NONE;
    }
    String name = Ascii.lower(tokens.get(at).name(sql));
    Optional<String> schema =
        at > j ? Optional.of(Ascii.lower(tokens.get(j).name(sql))) : Optional.empty();
    Token.Type next = at + 1 < tokens.size() ? tokens.get(at + 1).type() : null;
    boolean valued = next == Token.Type.EQUALS || next == Token.Type.OPEN_PAREN;
    return new PragmaSyntax(
        Optional.of(name),
        schema,
        valued && !PragmaPolicy.argumentOnlySelects(name),
        valued ? value(sql, tokens, at + 2) : Optional.empty());
  }

  /**
   * The value starting at token {@code k}: one name, string or number, or a sign and a number
   * (SQLite's {@code nmnum} and {@code minus_num}). Anything else is a syntax error SQLite reports;
   * it is returned as written so that no rule mistakes it for an allowed value.
   */
  private static Optional<String> value(String sql, List<Token> tokens, int k) {
    if (k >= tokens.size()) {
      return Optional.of("");
    }
    Token t = tokens.get(k);
    if (t.type() == Token.Type.OTHER
        && k + 1 < tokens.size()
        && tokens.get(k + 1).type() == Token.Type.NUMBER
        && (t.text(sql).equals("-") || t.text(sql).equals("+"))) {
      return Optional.of(t.text(sql) + tokens.get(k + 1).text(sql));
    }
    return Optional.of(t.isName() ? t.name(sql) : t.text(sql));
  }
}
