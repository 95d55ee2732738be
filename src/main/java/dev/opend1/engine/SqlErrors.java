package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns SQLite's errors into D1's wording: {@code <message>: SQLITE_<PRIMARY_CODE>}. */
final class SqlErrors {

  private SqlErrors() {}

  /** The primary result code of a SQLite error ({@code SQLITE_CONSTRAINT} for any constraint). */
  static SQLiteErrorCode primary(SQLException e) {
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode primary = SQLiteErrorCode.getErrorCode(se.getResultCode().code & 0xff);
      return primary == SQLiteErrorCode.UNKNOWN_ERROR ? se.getResultCode() : primary;
    }
    return SQLiteErrorCode.getErrorCode(e.getErrorCode() & 0xff);
  }

  /** SQLite's own message, without sqlite-jdbc's {@code [CODE] description (...)} wrapping. */
  static String message(SQLException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (m.startsWith("[")) {
      int open = m.indexOf(" (");
      if (open > 0 && m.endsWith(")")) {
        return m.substring(open + 2, m.length() - 1);
      }
      int close = m.indexOf("] ");
      if (close > 0) {
        return m.substring(close + 2);
      }
    }
    return m;
  }

  /** SQLite's message and primary code as D1 words them: {@code no such table: t: SQLITE_ERROR}. */
  static String describe(SQLException e) {
    return message(e) + ": " + primary(e).name();
  }

  /** True when SQLite interrupted a statement (a deadline passed, or a restore paused it). */
  static boolean isInterrupt(SQLException e) {
    return primary(e) == SQLiteErrorCode.SQLITE_INTERRUPT;
  }

  /** True when SQLite found the database file damaged or not a database at all. */
  static boolean isDamaged(SQLException e) {
    SQLiteErrorCode code = primary(e);
    return code == SQLiteErrorCode.SQLITE_CORRUPT || code == SQLiteErrorCode.SQLITE_NOTADB;
  }

  /** True when SQLite refused a write on a read-only connection. */
  static boolean isReadOnly(SQLException e) {
    return primary(e) == SQLiteErrorCode.SQLITE_READONLY;
  }

  /** The D1 error for a failed statement. */
  static D1Exception.SqlFailed toD1(SQLException e) {
    SQLiteErrorCode code = primary(e);
    if (code == SQLiteErrorCode.SQLITE_INTERRUPT) {
      return new D1Exception.SqlFailed(D1Texts.TIME_LIMIT);
    }
    String message = code == SQLiteErrorCode.SQLITE_FULL ? "Exceeded maximum DB size" : message(e);
    return new D1Exception.SqlFailed(message + ": " + code.name());
  }

  /** Answers a commit whose history is not durable: a full disk or the object store says so. */
  static D1Exception notDurable(RuntimeException e) {
    return D1Exception.DiskFull.causedBy(e)
        ? new D1Exception.DiskFull("the write was not applied")
        : D1Exception.BackupUnavailable.in(e)
            .or(() -> D1Exception.NotOwner.in(e))
            .orElseGet(D1Exception.NotDurable::new);
  }
}
