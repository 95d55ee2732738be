package dev.opend1.engine;

import java.nio.charset.StandardCharsets;

/**
 * One row of a statement's results as SQLite holds it: each value's type, and its value unboxed,
 * text as UTF-8 bytes. A sink that writes bytes (the HTTP edge's JSON) copies text without decoding
 * it to a {@code String} and encoding it again, which was most of a large result's cost; a sink
 * that wants Java values asks for {@link #values()}. The row is reused for the next one: read it
 * before {@link ResultSink#row(ResultRow)} returns.
 */
public interface ResultRow {

  /** A value's type, SQLite's storage classes. */
  enum Type {
    NULL,
    INTEGER,
    REAL,
    TEXT,
    BLOB
  }

  /** Columns in the row. */
  int size();

  Type type(int column);

  /** An {@link Type#INTEGER} value. */
  long integer(int column);

  /** A {@link Type#REAL} value. */
  double real(int column);

  /**
   * A {@link Type#TEXT} value's bytes as SQLite holds them: UTF-8, but SQLite stores whatever bytes
   * it was given, so they may be malformed; they are read as Java's UTF-8 decoder reads them
   * (U+FFFD for each malformed sequence), as {@link #values()} does.
   */
  byte[] text(int column);

  /** A {@link Type#BLOB} value. */
  byte[] blob(int column);

  /**
   * A row of Java values: {@code null}, {@link Long}, {@link Double}, {@link String} (written as
   * its UTF-8) or {@code byte[]}.
   */
  static ResultRow of(Object... values) {
    return new ValuesRow(values.clone());
  }

  /**
   * The row's values boxed: {@code null}, {@link Long}, {@link Double}, {@link String} or {@code
   * byte[]}, in a new array.
   */
  default Object[] values() {
    Object[] values = new Object[size()];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          switch (type(i)) {
            case NULL -> null;
            case INTEGER -> integer(i);
            case REAL -> real(i);
            case TEXT -> new String(text(i), StandardCharsets.UTF_8);
            case BLOB -> blob(i);
          };
    }
    return values;
  }
}
