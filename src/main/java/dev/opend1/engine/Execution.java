package dev.opend1.engine;

import dev.opend1.core.Bookmark;
import dev.opend1.core.SqlLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a request runs on a connection: the transaction around its statements, the deadline, and the
 * clean-up that keeps per-request state (PRAGMA settings, TEMP objects) from leaking into the next
 * request on the same connection. Writes run on the writer's queue (the engine's threads); a read
 * request runs on its caller's thread, holding one of the database's read connections throughout.
 */
final class Execution {

  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private Execution() {}

  /**
   * Runs a plan on a read connection, on the calling thread (a request's own: no hop to the
   * engine's threads and back). Returns true, having applied nothing, when SQLite reports that a
   * statement writes ({@code SQLITE_READONLY}): the caller moves the request to the writer.
   *
   * @throws dev.opend1.core.D1Exception.Overloaded when every read connection stays busy until the
   *     request's deadline, or too many reads wait already ({@link
   *     DatabaseHandle#MAX_WAITING_READS})
   */
  static boolean onReader(DatabaseHandle h, QueryPlan plan, ResultSink sink, SqlLimits limits) {
    // The time limit counts from here: a wait for a read connection is part of it.
    long deadline = System.nanoTime() + limits.requestTimeout().toNanos();
    SqlConnection c = requestReader(h, deadline);
    boolean broken = false;
    // A transaction, unless the request is one read the connection has cached (SingleRead):
    // QueryRunner reads the schema version in it first, so the statements it prepares or reuses see
    // the schema of the snapshot they read.
    h.running(c, true);
    try {
      sink.begin(plan.streamable);
      c.setDeadline(deadline);
      sink.deadline(deadline);
      if (SingleRead.tryRun(h, c, plan, sink)) {
        return false;
      }
      c.begin();
      QueryRunner.runAll(h, c, plan, sink);
      c.commit();
      return false;
    } catch (SQLException e) {
      broken = !rollback(c);
      if (SqlErrors.isReadOnly(e)) {
        return true;
      }
      throw failure(h, e);
    } catch (IOException e) {
      broken = !rollback(c);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      broken = !rollback(c);
      throw e;
    } finally {
      h.running(c, false);
      c.setDeadline(Long.MAX_VALUE);
      broken |= !resetAfter(c, plan);
      h.releaseReader(c, broken);
    }
  }

  /** A read connection for a request, waiting until its deadline if all are in use. */
  private static SqlConnection requestReader(DatabaseHandle h, long deadline) {
    try {
      return h.acquireReader(deadline - System.nanoTime());
    } catch (SQLException e) {
      throw new EngineException("open read connection of " + h.id + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted", e);
    }
  }

  /** A read connection of the database, waiting while all are in use. */
  private static SqlConnection reader(DatabaseHandle h) {
    try {
      return h.acquireReader();
    } catch (SQLException e) {
      throw new EngineException("open read connection of " + h.id + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted", e);
    }
  }

  /**
   * The D1 error for a failed statement; an interrupt by a restore says so, so does a full disk
   * (SQLite answers {@code SQLITE_FULL} both for it and for the database's own size limit), and a
   * damaged file makes the database unavailable.
   */
  static RuntimeException failure(DatabaseHandle h, SQLException e) {
    if (SqlErrors.isDamaged(e)) {
      h.unavailable = true;
      return h.counters.unavailable.mark(
          h.id, "its database file is damaged: " + SqlErrors.describe(e));
    }
    if (interruptedByPause(h, e)) {
      return cancelledByRestore();
    }
    if (SqlErrors.primary(e) == org.sqlite.SQLiteErrorCode.SQLITE_FULL
        && DiskSpace.of(h.file).isLow()) {
      return new dev.opend1.core.D1Exception.DiskFull("SQLITE_FULL");
    }
    return SqlErrors.toD1(e);
  }

  /** The error of a request a restore's pause interrupted. */
  static RuntimeException cancelledByRestore() {
    return new dev.opend1.core.D1Exception.SqlFailed(
        "Request cancelled: the database is being restored to an earlier state: SQLITE_INTERRUPT");
  }

  /**
   * Runs a plan on the writer as one transaction: every statement commits, or none does. Returns
   * when the commit will be durable (the history's capture); the caller answers only then.
   */
  static CompletableFuture<Bookmark> onWriter(
      DatabaseHandle h, QueryPlan plan, ResultSink sink, SqlLimits limits) throws SQLException {
    SqlConnection c = h.writer();
    CompletableFuture<Bookmark> durable;
    h.running(c, true);
    try {
      sink.begin(false);
      c.setDeadline(System.nanoTime() + limits.requestTimeout().toNanos());
      c.beginImmediate();
      c.addCfKvIfMissing();
      QueryRunner.runAll(h, c, plan, sink);
      c.commit();
      c.cfKvCommitted();
      // Counted before the capture, which may make it durable on this thread (its fsync).
      h.counters.writesCommitted(1);
      durable = h.committed();
    } catch (SQLException e) {
      rollback(c);
      h.sizeBytes = -1; // measured inside the transaction that was rolled back
      throw failure(h, e);
    } catch (IOException e) {
      rollback(c);
      h.sizeBytes = -1; // measured inside the transaction that was rolled back
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      rollback(c);
      h.sizeBytes = -1; // measured inside the transaction that was rolled back
      throw e;
    } finally {
      h.running(c, false);
      c.setDeadline(Long.MAX_VALUE);
      if (plan.mayChangeSchema) {
        c.schemaMayHaveChanged();
      }
      resetAfter(c, plan);
      syncLastRowId(h, c);
    }
    h.maybeCheckpoint();
    return durable;
  }

  /**
   * Runs an export's work in a read transaction whose snapshot starts between two writes (on the
   * writer's queue), so {@code atSnapshot} sees exactly the state the work reads.
   */
  static <T> T snapshotRead(DatabaseHandle h, Runnable atSnapshot, ExportWork<T> work) {
    SqlConnection c = reader(h);
    boolean broken = false;
    h.running(c, true);
    try {
      h.writes
          .submit(
              () -> {
                c.exec("BEGIN");
                c.exec("SELECT count(*) FROM sqlite_schema");
                atSnapshot.run();
                return null;
              })
          .join();
      T result = work.run(new SnapshotSource(c, e -> snapshotFailure(h, e)));
      c.exec("COMMIT");
      return result;
    } catch (SQLException e) {
      broken = !rollback(c);
      throw snapshotFailure(h, e);
    } catch (RuntimeException e) {
      broken = !rollback(c);
      throw e;
    } catch (Exception e) {
      broken = !rollback(c);
      throw new EngineException(e.getMessage(), e);
    } finally {
      h.running(c, false);
      h.releaseReader(c, broken);
    }
  }

  /** The error for a snapshot read's failure: a restore's interrupt says so by its type. */
  private static RuntimeException snapshotFailure(DatabaseHandle h, SQLException e) {
    return interruptedByPause(h, e) ? new InterruptedByRestore(h.id, e) : failure(h, e);
  }

  /** True when {@code e} is SQLite's interrupt and a restore's pause caused it. */
  private static boolean interruptedByPause(DatabaseHandle h, SQLException e) {
    return h.interruptedByPause && SqlErrors.isInterrupt(e);
  }

  /**
   * An import's transaction, run: what it did, and when its commit is durable.
   *
   * @param durable completes when the history holds the commit
   */
  record ImportCommit<T>(Imported<T> imported, CompletableFuture<Bookmark> durable) {}

  /**
   * Runs an import's work as one transaction on the writer, with the import's own statement limit
   * and no time limit per statement. Returns what it did and when it is durable.
   */
  static <T> ImportCommit<T> importOnWriter(
      DatabaseHandle h,
      SqlLimits limits,
      int maxStatementBytes,
      java.time.Duration timeout,
      ImportWork<T> work)
      throws SQLException {
    SqlConnection c = h.writer();
    h.running(c, true);
    try {
      c.setMaxStatementBytes(maxStatementBytes);
      c.setDeadline(System.nanoTime() + timeout.toNanos());
      c.exec("BEGIN IMMEDIATE");
      c.addCfKvIfMissing();
      long before = c.totalChanges();
      T result = work.run(new ImportStatements(c));
      Imported<T> imported = new Imported<>(result, c.totalChanges() - before, c.sizeBytes());
      c.exec("COMMIT");
      c.cfKvCommitted();
      return new ImportCommit<>(imported, h.committed());
    } catch (SQLException e) {
      rollback(c);
      throw failure(h, e);
    } catch (RuntimeException e) {
      rollback(c);
      throw e;
    } catch (Exception e) {
      rollback(c);
      throw new EngineException(e.getMessage(), e);
    } finally {
      h.running(c, false);
      c.setDeadline(Long.MAX_VALUE);
      c.setMaxStatementBytes(limits.maxStatementBytes());
      c.schemaMayHaveChanged();
      h.sizeBytes = -1; // the import changed it without measuring
      syncLastRowId(h, c);
      c.resetSettings();
      if (c.takeTempObjectsUsed()) {
        dropTempObjects(c);
      }
    }
  }

  /** Live size and user-table count. */
  static DatabaseStats stats(DatabaseHandle h) {
    SqlConnection c = null;
    try {
      c = h.acquireReader();
      try (Statement st = c.jdbc().createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                      + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                      + " AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'")) {
        return new DatabaseStats(c.sizeBytes(), rs.getInt(1));
      }
    } catch (SQLException e) {
      throw new EngineException("stats of " + h.id + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted", e);
    } finally {
      if (c != null) {
        h.releaseReader(c, false);
      }
    }
  }

  /** SQLite's integrity check on a read connection; what it found wrong. */
  static List<String> integrity(DatabaseHandle h) {
    SqlConnection c = reader(h);
    try {
      return IntegrityCheck.problems(c.jdbc());
    } finally {
      h.releaseReader(c, false);
    }
  }

  /**
   * Takes the writer's {@code last_insert_rowid()} as the database's {@code last_row_id} after work
   * on it, failed work too: a rolled-back statement or transaction does not roll the value back in
   * SQLite, nor in D1, whose next statement reports where the failed one left it (an INSERT of
   * several rows that failed on its second row leaves the first row's rowid).
   */
  static void syncLastRowId(DatabaseHandle h, SqlConnection c) {
    try {
      h.lastRowId = c.lastInsertRowId();
    } catch (SQLException e) {
      LOG.warn("reading last_insert_rowid failed: {}", e.getMessage());
    }
  }

  /** Rolls back if a transaction is open; false when the connection is no longer usable. */
  static boolean rollback(SqlConnection c) {
    try {
      c.exec("ROLLBACK");
      return true;
    } catch (SQLException e) {
      // A failed COMMIT or an interrupt may have ended the transaction already.
      if (String.valueOf(e.getMessage()).contains("no transaction is active")) {
        return true;
      }
      LOG.warn("rollback failed: {}", e.getMessage());
      return false;
    }
  }

  /**
   * Puts back what a request may have changed on its connection: the PRAGMA settings D1 lets a
   * request set, and TEMP objects. Returns false when that failed (the connection is then
   * discarded).
   */
  static boolean resetAfter(SqlConnection c, QueryPlan plan) {
    try {
      if (plan.setsPragmas) {
        c.resetSettings();
      }
      if (c.takeTempObjectsUsed() || plan.createsTemp) {
        dropTempObjects(c);
      }
      return true;
    } catch (SQLException e) {
      LOG.warn("resetting a connection failed: {}", e.getMessage());
      return false;
    }
  }

  private static void dropTempObjects(SqlConnection c) throws SQLException {
    List<String> drops = new ArrayList<>();
    try (Statement st = c.jdbc().createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT type, name FROM temp.sqlite_schema"
                    + " WHERE type IN ('trigger','view','table')"
                    + " ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END")) {
      while (rs.next()) {
        drops.add(
            "DROP "
                + rs.getString(1).toUpperCase(java.util.Locale.ROOT)
                + " IF EXISTS temp.\""
                + rs.getString(2).replace("\"", "\"\"")
                + "\"");
      }
    }
    for (String d : drops) {
      c.exec(d);
    }
  }
}
