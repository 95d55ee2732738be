package dev.opend1.engine;

import java.nio.charset.StandardCharsets;

/**
 * A row made of Java values ({@link ResultRow#of}): for callers that have values rather than a
 * statement, such as a fake service in tests.
 */
record ValuesRow(Object[] vals) implements ResultRow {

  ValuesRow {
    for (Object v : vals) {
      if (v != null
          && !(v instanceof Long)
          && !(v instanceof Double)
          && !(v instanceof String)
          && !(v instanceof byte[])) {
        throw new IllegalArgumentException("not a result value: " + v.getClass());
      }
    }
  }

  @Override
  public int size() {
    return vals.length;
  }

  @Override
  public Type type(int column) {
    return switch (vals[column]) {
      case null -> Type.NULL;
      case Long l -> Type.INTEGER;
      case Double d -> Type.REAL;
      case String s -> Type.TEXT;
      default -> Type.BLOB;
    };
  }

  @Override
  public long integer(int column) {
    return (Long) vals[column];
  }

  @Override
  public double real(int column) {
    return (Double) vals[column];
  }

  @Override
  public byte[] text(int column) {
    return ((String) vals[column]).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] blob(int column) {
    return (byte[]) vals[column];
  }

  @Override
  public Object[] values() {
    return vals.clone();
  }
}
