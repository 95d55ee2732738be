package dev.opend1.bench;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;

/**
 * A prototype binding over SQLite's C API through the JDK's foreign function API, for measuring
 * what a binding of opend1's own would gain over sqlite-jdbc (docs/design.md, "What a binding of
 * our own would gain"). Bench code only: it checks result codes but guards nothing else (a
 * finalized statement used again is a crash, not an exception), which a product binding would have
 * to.
 *
 * <p>The library is the system's {@code libsqlite3.so.0} (system property {@code bench.libsqlite3}
 * names another): sqlite-jdbc's native library links SQLite in statically and exports only its JNI
 * functions, so its copy of SQLite cannot be called. One connection per instance, used by one
 * thread at a time, as opend1 uses its connections.
 *
 * <p>The calls that only read or set a field of SQLite's structures (a column's value, a binding,
 * the change counters) are linked as critical ({@link Linker.Option#critical}): no switch of the
 * thread's state around the call, and a heap array may be passed as a pointer. Calls that can run
 * SQL, block or call back into Java ({@code step}, {@code exec}, {@code reset}) are not.
 */
final class FfmSqlite implements AutoCloseable {

  static final int OK = 0;
  static final int ROW = 100;
  static final int DONE = 101;
  static final int INTEGER = 1;
  static final int FLOAT = 2;
  static final int TEXT = 3;
  static final int BLOB = 4;
  static final int NULL = 5;

  /** {@code SQLITE_STMTSTATUS_REPREPARE}: times SQLite prepared the statement again. */
  static final int STMTSTATUS_REPREPARE = 5;

  private static final int OPEN_READWRITE = 0x02;
  private static final int OPEN_CREATE = 0x04;
  private static final int OPEN_URI = 0x40;

  /** {@code SQLITE_TRANSIENT}: SQLite copies a bound value before the call returns. */
  private static final MemorySegment TRANSIENT = MemorySegment.ofAddress(-1);

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBRARY =
      SymbolLookup.libraryLookup(
          System.getProperty("bench.libsqlite3", "libsqlite3.so.0"), Arena.global());

  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;
  private static final AddressLayout PTR = ValueLayout.ADDRESS;

  private static final MethodHandle OPEN_V2 = call("sqlite3_open_v2", INT, PTR, PTR, INT, PTR);
  private static final MethodHandle CLOSE_V2 = call("sqlite3_close_v2", INT, PTR);
  private static final MethodHandle ERRMSG = call("sqlite3_errmsg", PTR, PTR);
  private static final MethodHandle EXEC = call("sqlite3_exec", INT, PTR, PTR, PTR, PTR, PTR);
  private static final MethodHandle PREPARE_V2 =
      call("sqlite3_prepare_v2", INT, PTR, PTR, INT, PTR, PTR);
  private static final MethodHandle STEP = call("sqlite3_step", INT, PTR);
  private static final MethodHandle RESET = call("sqlite3_reset", INT, PTR);
  private static final MethodHandle FINALIZE = call("sqlite3_finalize", INT, PTR);
  private static final MethodHandle UPDATE_HOOK = call("sqlite3_update_hook", PTR, PTR, PTR, PTR);
  private static final MethodHandle LIBVERSION = call("sqlite3_libversion", PTR);
  private static final MethodHandle THREADSAFE = call("sqlite3_threadsafe", INT);
  private static final MethodHandle COMPILEOPTION_GET = call("sqlite3_compileoption_get", PTR, INT);

  private static final MethodHandle BIND_INT64 =
      critical("sqlite3_bind_int64", INT, PTR, INT, LONG);
  private static final MethodHandle BIND_TEXT =
      critical("sqlite3_bind_text", INT, PTR, INT, PTR, INT, PTR);
  private static final MethodHandle COLUMN_COUNT = critical("sqlite3_column_count", INT, PTR);
  private static final MethodHandle COLUMN_TYPE = critical("sqlite3_column_type", INT, PTR, INT);
  private static final MethodHandle COLUMN_INT64 = critical("sqlite3_column_int64", LONG, PTR, INT);
  private static final MethodHandle COLUMN_DOUBLE =
      critical("sqlite3_column_double", DOUBLE, PTR, INT);
  private static final MethodHandle COLUMN_BLOB = critical("sqlite3_column_blob", PTR, PTR, INT);
  private static final MethodHandle COLUMN_BYTES = critical("sqlite3_column_bytes", INT, PTR, INT);
  private static final MethodHandle STMT_STATUS =
      critical("sqlite3_stmt_status", INT, PTR, INT, INT);
  private static final MethodHandle LAST_INSERT_ROWID =
      critical("sqlite3_last_insert_rowid", LONG, PTR);
  private static final MethodHandle CHANGES64 = critical("sqlite3_changes64", LONG, PTR);
  private static final MethodHandle TOTAL_CHANGES64 =
      critical("sqlite3_total_changes64", LONG, PTR);

  /** {@code SQLITE_CONFIG_MEMSTATUS}: whether SQLite counts its memory use (a mutex per malloc). */
  private static final int CONFIG_MEMSTATUS = 9;

  static {
    // sqlite-jdbc's build has DEFAULT_MEMSTATUS=0; Debian's counts. Turned off here, before the
    // library initializes, so the two do the same work for each allocation.
    try {
      MethodHandle config =
          LINKER.downcallHandle(
              LIBRARY.find("sqlite3_config").orElseThrow(),
              FunctionDescriptor.of(INT, INT, INT),
              Linker.Option.firstVariadicArg(1));
      int rc = (int) config.invokeExact(CONFIG_MEMSTATUS, 0);
      if (rc != OK) {
        throw new IllegalStateException("sqlite3_config(MEMSTATUS, 0): " + rc);
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The update hook's C type: {@code void (void*, int, const char*, const char*, int64)}. */
  private static final FunctionDescriptor HOOK =
      FunctionDescriptor.ofVoid(PTR, INT, PTR, PTR, LONG);

  private static MethodHandle call(String name, ValueLayout result, ValueLayout... args) {
    return LINKER.downcallHandle(
        LIBRARY.find(name).orElseThrow(), FunctionDescriptor.of(result, args));
  }

  private static MethodHandle critical(String name, ValueLayout result, ValueLayout... args) {
    return LINKER.downcallHandle(
        LIBRARY.find(name).orElseThrow(),
        FunctionDescriptor.of(result, args),
        Linker.Option.critical(true));
  }

  /**
   * Holds the connection's native allocations (the hook's stub, the exec buffer); freed on close.
   */
  private final Arena arena = Arena.ofShared();

  private final MemorySegment db;

  /** A native copy of the text {@link #exec(byte[], int)} runs, grown as needed. */
  private MemorySegment execBuffer = MemorySegment.NULL;

  private FfmSqlite(MemorySegment db) {
    this.db = db;
  }

  /** Opens (or creates) a database file read-write, with sqlite-jdbc's default open flags. */
  static FfmSqlite open(String file) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(PTR);
      int rc =
          (int)
              OPEN_V2.invokeExact(
                  a.allocateFrom(file),
                  out,
                  OPEN_READWRITE | OPEN_CREATE | OPEN_URI,
                  MemorySegment.NULL);
      MemorySegment handle = out.get(PTR, 0);
      if (rc != OK) {
        String message = handle.equals(MemorySegment.NULL) ? "out of memory" : errmsg(handle);
        int ignored = (int) CLOSE_V2.invokeExact(handle);
        throw new IllegalStateException("open " + file + ": " + rc + " " + message);
      }
      return new FfmSqlite(handle);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The library's version ({@code sqlite3_libversion}). */
  static String libVersion() {
    try {
      return string((MemorySegment) LIBVERSION.invokeExact());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code sqlite3_threadsafe()}: 0 single-thread, 1 serialized, 2 multi-thread. */
  static int threadsafe() {
    try {
      return (int) THREADSAFE.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The {@code n}th compile-time option, or null past the last. */
  static String compileOption(int n) {
    try {
      MemorySegment s = (MemorySegment) COMPILEOPTION_GET.invokeExact(n);
      return s.equals(MemorySegment.NULL) ? null : string(s);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Runs SQL text of any number of statements ({@code sqlite3_exec}), given as a Java string. */
  void exec(String sql) {
    byte[] utf8 = sql.getBytes(StandardCharsets.UTF_8);
    exec(utf8, utf8.length);
  }

  /**
   * Runs the first {@code length} bytes of {@code utf8} as SQL text ({@code sqlite3_exec}): the
   * bytes are copied once into native memory with the terminating zero SQLite needs, and no Java
   * string is made.
   */
  void exec(byte[] utf8, int length) {
    if (execBuffer.byteSize() < length + 1L) {
      execBuffer = arena.allocate(Math.max(length + 1L, execBuffer.byteSize() * 2));
    }
    MemorySegment.copy(utf8, 0, execBuffer, ValueLayout.JAVA_BYTE, 0, length);
    execBuffer.set(ValueLayout.JAVA_BYTE, length, (byte) 0);
    try {
      // No callback, and no message copy: a failure's message is read with sqlite3_errmsg.
      int rc =
          (int)
              EXEC.invokeExact(
                  db, execBuffer, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
      check(rc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Prepares one statement ({@code sqlite3_prepare_v2}); close it with {@link Stmt#close}. */
  Stmt prepare(String sql) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(PTR);
      int rc = (int) PREPARE_V2.invokeExact(db, a.allocateFrom(sql), -1, out, MemorySegment.NULL);
      check(rc);
      return new Stmt(out.get(PTR, 0));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  long lastInsertRowid() {
    try {
      return (long) LAST_INSERT_ROWID.invokeExact(db);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  long changes() {
    try {
      return (long) CHANGES64.invokeExact(db);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  long totalChanges() {
    try {
      return (long) TOTAL_CHANGES64.invokeExact(db);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Receives the update hook's calls: a row changed in {@code table} (SQLite's pointer). */
  interface RowHook {
    void row(int op, MemorySegment table, long rowid);
  }

  /**
   * Registers {@code hook} as the connection's update hook: SQLite calls it for each row an INSERT,
   * UPDATE or DELETE changes, on the thread that steps. It must not throw (an exception in an
   * upcall ends the JVM).
   */
  void updateHook(RowHook hook) {
    try {
      MethodHandle target =
          MethodHandles.lookup()
              .findVirtual(
                  RowHook.class,
                  "row",
                  MethodType.methodType(void.class, int.class, MemorySegment.class, long.class))
              .bindTo(hook);
      // SQLite passes (user data, op, database name, table name, rowid): drop the two unused.
      MethodHandle adapted = MethodHandles.dropArguments(target, 0, MemorySegment.class);
      adapted = MethodHandles.dropArguments(adapted, 2, MemorySegment.class);
      MemorySegment stub = LINKER.upcallStub(adapted, HOOK, arena);
      MemorySegment previous =
          (MemorySegment) UPDATE_HOOK.invokeExact(db, stub, MemorySegment.NULL);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private void check(int rc) {
    if (rc != OK) {
      throw new IllegalStateException("SQLite " + rc + ": " + errmsg(db));
    }
  }

  private static String errmsg(MemorySegment db) {
    try {
      return string((MemorySegment) ERRMSG.invokeExact(db));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** A NUL-terminated C string SQLite owns, as a Java string. */
  static String string(MemorySegment c) {
    return c.reinterpret(Integer.MAX_VALUE).getString(0);
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }

  /**
   * Closes the connection and frees its native allocations. Every statement must be closed first:
   * with one left, {@code sqlite3_close_v2} keeps the connection alive, and its update hook would
   * then call a stub this frees.
   */
  @Override
  public void close() {
    try {
      int rc = (int) CLOSE_V2.invokeExact(db);
      check(rc);
    } catch (Throwable t) {
      throw rethrow(t);
    } finally {
      arena.close();
    }
  }

  /** A prepared statement of this connection. */
  final class Stmt implements AutoCloseable {
    private final MemorySegment stmt;

    private Stmt(MemorySegment stmt) {
      this.stmt = stmt;
    }

    void bindLong(int index, long value) {
      try {
        check((int) BIND_INT64.invokeExact(stmt, index, value));
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    /**
     * Binds UTF-8 text straight from a Java array: the call is critical, so the array's own memory
     * is passed, and {@code SQLITE_TRANSIENT} has SQLite copy it before the call returns.
     */
    void bindText(int index, byte[] utf8) {
      try {
        check(
            (int)
                BIND_TEXT.invokeExact(
                    stmt, index, MemorySegment.ofArray(utf8), utf8.length, TRANSIENT));
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    /** Steps once: {@link #ROW} or {@link #DONE}; anything else throws. */
    int step() {
      try {
        int rc = (int) STEP.invokeExact(stmt);
        if (rc != ROW && rc != DONE) {
          check(rc);
        }
        return rc;
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    void reset() {
      try {
        check((int) RESET.invokeExact(stmt));
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    int columnCount() {
      try {
        return (int) COLUMN_COUNT.invokeExact(stmt);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    int columnType(int i) {
      try {
        return (int) COLUMN_TYPE.invokeExact(stmt, i);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    long columnLong(int i) {
      try {
        return (long) COLUMN_INT64.invokeExact(stmt, i);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    double columnDouble(int i) {
      try {
        return (double) COLUMN_DOUBLE.invokeExact(stmt, i);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    /**
     * Column {@code i}'s bytes (a TEXT's UTF-8, or a BLOB) where SQLite holds them, valid until the
     * statement steps or resets: no copy is made. {@code column_blob} before {@code column_bytes},
     * as SQLite's documentation asks, so the length is that of the bytes returned.
     */
    MemorySegment columnBytes(int i) {
      try {
        MemorySegment p = (MemorySegment) COLUMN_BLOB.invokeExact(stmt, i);
        int n = (int) COLUMN_BYTES.invokeExact(stmt, i);
        return n == 0 ? MemorySegment.NULL : p.reinterpret(n);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    /** {@code sqlite3_stmt_status}: one of the statement's counters, e.g. re-prepares. */
    int status(int op) {
      try {
        return (int) STMT_STATUS.invokeExact(stmt, op, 0);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    @Override
    public void close() {
      try {
        int rc = (int) FINALIZE.invokeExact(stmt);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }
  }
}
