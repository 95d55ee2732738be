package dev.opend1.sql;

import java.util.List;

/**
 * The shape of an {@code INSERT} whose rows are literals only, as dumps write them: {@code INSERT
 * INTO "t" ("a","b") VALUES(1,'x'),(2,X'00')}. Two such statements with the same shape differ only
 * in the literals of their rows, and a literal compiles to a constant: no function call, no table,
 * no name (in a {@code VALUES} row SQLite reads a string as a value, never as a table). So SQLite
 * compiles both to programs that reach the same functions and tables, and a check of what the
 * program reaches ({@code engine/Confinement}) holds for every statement of the shape, as long as
 * the schema does not change.
 */
public final class LiteralRows {

  private LiteralRows() {}

  /**
   * The shape of {@code sql}: its text up to the {@code VALUES} keyword, then the number of values
   * in each row. Null when {@code sql} is anything else: not an {@code INSERT} or {@code REPLACE},
   * no {@code VALUES} at the top level, a value that is not a literal ({@code NULL}, a number with
   * an optional sign, a string, a blob), or anything after the rows ({@code ON CONFLICT}, {@code
   * RETURNING}).
   */
  public static String shape(String sql) {
    return shape(sql, Tokenizer.tokenize(sql));
  }

  /** The shape of {@code sql} from its tokens ({@link #shape(String)}). */
  static String shape(String sql, List<Token> tokens) {
    if (tokens.isEmpty()
        || !(tokens.get(0).is(sql, "INSERT") || tokens.get(0).is(sql, "REPLACE"))) {
      return null;
    }
    int values = valuesKeyword(sql, tokens);
    if (values < 0) {
      return null;
    }
    StringBuilder shape = new StringBuilder(tokens.get(values).end() + 16);
    shape.append(sql, 0, tokens.get(values).end());
    int i = values + 1;
    while (true) {
      if (i >= tokens.size() || tokens.get(i).type() != Token.Type.OPEN_PAREN) {
        return null;
      }
      i++;
      int count = 0;
      while (true) {
        int after = afterLiteral(sql, tokens, i);
        if (after < 0) {
          return null;
        }
        count++;
        i = after;
        if (i < tokens.size() && tokens.get(i).type() == Token.Type.COMMA) {
          i++;
        } else {
          break;
        }
      }
      if (i >= tokens.size() || tokens.get(i).type() != Token.Type.CLOSE_PAREN) {
        return null;
      }
      shape.append(' ').append(count);
      i++;
      if (i == tokens.size()) {
        return shape.toString();
      }
      if (tokens.get(i).type() != Token.Type.COMMA) {
        return null;
      }
      i++;
    }
  }

  /**
   * Where the rows of {@code sql}, a statement that has a shape, begin: the offset after its {@code
   * VALUES} keyword. The text before it is the same for every statement of the shape.
   */
  static int rowsStart(String sql, List<Token> tokens) {
    return tokens.get(valuesKeyword(sql, tokens)).end();
  }

  /** The index of the first {@code VALUES} outside any parentheses, or -1. */
  private static int valuesKeyword(String sql, List<Token> tokens) {
    int depth = 0;
    for (int k = 0; k < tokens.size(); k++) {
      Token t = tokens.get(k);
      switch (t.type()) {
        case OPEN_PAREN -> depth++;
        case CLOSE_PAREN -> depth--;
        case WORD -> {
          if (depth == 0 && t.is(sql, "VALUES")) {
            return k;
          }
        }
        default -> {}
      }
    }
    return -1;
  }

  /** The index after the literal starting at token {@code i}, or -1 when none starts there. */
  private static int afterLiteral(String sql, List<Token> tokens, int i) {
    if (i >= tokens.size()) {
      return -1;
    }
    Token t = tokens.get(i);
    return switch (t.type()) {
      case STRING, BLOB -> i + 1;
      case NUMBER -> afterNumber(sql, tokens, i);
      case WORD -> t.is(sql, "NULL") ? i + 1 : -1;
      case OTHER -> {
        boolean sign = t.end() - t.start() == 1 && "+-".indexOf(sql.charAt(t.start())) >= 0;
        boolean number = i + 1 < tokens.size() && tokens.get(i + 1).type() == Token.Type.NUMBER;
        yield sign && number ? afterNumber(sql, tokens, i + 1) : -1;
      }
      default -> -1;
    };
  }

  /**
   * The index after the number at token {@code i}. The tokenizer splits a decimal number at its
   * exponent's sign ({@code 1.5e-7} is {@code 1.5e}, {@code -}, {@code 7}): those three are one
   * literal. Not after a hexadecimal number, where {@code 0x1e-7} is a subtraction.
   */
  private static int afterNumber(String sql, List<Token> tokens, int i) {
    Token t = tokens.get(i);
    char last = sql.charAt(t.end() - 1);
    boolean hex = t.end() - t.start() > 1 && (sql.charAt(t.start() + 1) | 0x20) == 'x';
    if ((last == 'e' || last == 'E') && !hex && i + 2 < tokens.size()) {
      Token sign = tokens.get(i + 1);
      boolean signed =
          sign.type() == Token.Type.OTHER
              && sign.start() == t.end()
              && sign.end() - sign.start() == 1
              && "+-".indexOf(sql.charAt(sign.start())) >= 0;
      Token exponent = tokens.get(i + 2);
      if (signed && exponent.type() == Token.Type.NUMBER && exponent.start() == sign.end()) {
        return i + 3;
      }
    }
    return i + 1;
  }
}
