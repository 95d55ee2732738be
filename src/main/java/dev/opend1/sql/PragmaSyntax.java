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
 */
record PragmaSyntax(Optional<String> name, Optional<String> schema, boolean assigns) {

  /** Not a PRAGMA. */
  static final PragmaSyntax NONE = new PragmaSyntax(Optional.empty(), Optional.empty(), false);

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
        Optional.of(name), schema, valued && !PragmaPolicy.argumentOnlySelects(name));
  }
}
