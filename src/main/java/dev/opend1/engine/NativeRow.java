package dev.opend1.engine;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;
import org.sqlite.core.SafeStmtPtr;

/**
 * The current row of a running statement, read through sqlite-jdbc's native column calls on the
 * statement's pointer: each value's type, then the value, text as its bytes ({@code
 * sqlite3_column_blob} of a TEXT value is its UTF-8, the database's encoding). JDBC's {@code
 * getObject} decodes every text to a {@code String} (through a direct buffer and a copy), which the
 * JSON writer then encoded to UTF-8 again, and boxes every number.
 *
 * <p>One per statement run; {@link #read} refills it for each row, under the statement's lock only
 * while the values are copied, so the sink that takes the row may wait (for a slow client) without
 * holding the connection's lock.
 */
final class NativeRow implements ResultRow {

  private static final Type[] TYPES = new Type[6];

  static {
    TYPES[Codes.SQLITE_INTEGER] = Type.INTEGER;
    TYPES[Codes.SQLITE_FLOAT] = Type.REAL;
    TYPES[Codes.SQLITE_TEXT] = Type.TEXT;
    TYPES[Codes.SQLITE_BLOB] = Type.BLOB;
    TYPES[Codes.SQLITE_NULL] = Type.NULL;
  }

  private static final byte[] EMPTY = new byte[0];

  private final SafeStmtPtr pointer;
  private final Type[] types;
  private final long[] integers;
  private final double[] reals;
  private final byte[][] bytes;

  /** Copies the current row into the arrays; made once, so reading a row allocates no lambda. */
  private final SafeStmtPtr.SafePtrConsumer<SQLException> copy = this::copy;

  NativeRow(PreparedStatement statement, int columns) {
    this.pointer = ((CoreStatement) statement).pointer;
    this.types = new Type[columns];
    this.integers = new long[columns];
    this.reals = new double[columns];
    this.bytes = new byte[columns][];
  }

  /** Reads the row the statement is on (after a step that returned {@code SQLITE_ROW}). */
  void read() throws SQLException {
    pointer.safeRunConsume(copy);
  }

  private void copy(DB db, long stmt) throws SQLException {
    for (int i = 0; i < types.length; i++) {
      int code = db.column_type(stmt, i);
      Type t = code > 0 && code < TYPES.length ? TYPES[code] : null;
      if (t == null) {
        throw new SQLException("SQLite reported an unknown column type " + code);
      }
      types[i] = t;
      bytes[i] = null;
      switch (t) {
        case INTEGER -> integers[i] = db.column_long(stmt, i);
        case REAL -> reals[i] = db.column_double(stmt, i);
        case TEXT, BLOB -> bytes[i] = orEmpty(db.column_blob(stmt, i));
        case NULL -> {}
      }
    }
  }

  /**
   * Steps the statement to its next row, natively (no JDBC result set): true when it is on one,
   * false when it is done, and then reset.
   */
  boolean next() throws SQLException {
    return pointer.safeRunInt(NativeRow::step) == Codes.SQLITE_ROW;
  }

  private static int step(DB db, long stmt) throws SQLException {
    int rc = db.step(stmt);
    if (rc == Codes.SQLITE_DONE) {
      db.reset(stmt);
    } else if (rc != Codes.SQLITE_ROW) {
      db.throwex(rc);
    }
    return rc;
  }

  /** Ends the statement's run before its last row (resets it), natively. */
  void reset() throws SQLException {
    pointer.safeRunInt(DB::reset);
  }

  /** sqlite-jdbc gives an empty value's bytes as null. */
  private static byte[] orEmpty(byte[] b) {
    return b == null ? EMPTY : b;
  }

  @Override
  public int size() {
    return types.length;
  }

  @Override
  public Type type(int column) {
    return types[column];
  }

  @Override
  public long integer(int column) {
    return integers[column];
  }

  @Override
  public double real(int column) {
    return reals[column];
  }

  @Override
  public byte[] text(int column) {
    return bytes[column];
  }

  @Override
  public byte[] blob(int column) {
    return bytes[column];
  }
}
