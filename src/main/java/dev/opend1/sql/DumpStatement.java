package dev.opend1.sql;

/**
 * One statement of a dump as {@link StatementStream} read it: the statement, and the shape of its
 * rows when it is an INSERT of literal rows ({@link LiteralRows}), read in the same pass over the
 * text. Only this package makes one, so the shape an import relies on to check a program once per
 * shape is always the text's own.
 */
public final class DumpStatement {

  private final SqlStatement statement;
  private final String shape;

  DumpStatement(SqlStatement statement, String shape) {
    this.statement = statement;
    this.shape = shape;
  }

  /** The statement. */
  public SqlStatement statement() {
    return statement;
  }

  /** Its {@link LiteralRows#shape}, or null when it has none. */
  public String shape() {
    return shape;
  }

  @Override
  public String toString() {
    return statement.text();
  }
}
