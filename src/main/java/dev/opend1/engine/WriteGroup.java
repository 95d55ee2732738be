package dev.opend1.engine;

import dev.opend1.core.Bookmark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sqlite.SQLiteErrorCode;

/**
 * One round of {@link WriteGroups}: several write requests in one SQLite transaction, each inside a
 * savepoint of its own, so each is still all-or-nothing. A request that fails is rolled back to its
 * savepoint (its own changes only) and answered with its own error; the others commit together, and
 * every one of them is answered with the one commit's durability.
 *
 * <p>Three failures reach past one request, and each is handled so that no request pays for
 * another's:
 *
 * <ul>
 *   <li>SQLite rolls the whole transaction back on some errors (an interrupted write, an I/O error,
 *       a full disk without a statement journal). The failing request is answered; the requests
 *       that had run are run again in a new transaction (their held results discarded first),
 *       unless a restore's pause caused it, which cancels them all.
 *   <li>A deferred constraint (a foreign key {@code DEFERRABLE INITIALLY DEFERRED}) is checked only
 *       at {@code COMMIT}, which then fails for the whole group: the group is rolled back and each
 *       request runs again alone, so only the one that breaks it fails.
 *   <li>Any other failed {@code COMMIT} (a full disk, an I/O error) applies nothing, and every
 *       request of the group gets the same error.
 * </ul>
 *
 * Runs on the writer's thread only.
 */
final class WriteGroup {

  private static final String ROLLBACK_TO = "ROLLBACK TO " + SqlConnection.REQUEST_SAVEPOINT;

  private final DatabaseHandle h;
  private final dev.opend1.core.SqlLimits limits;
  private final WriteGroups source;

  /** Statements of the requests taken, answered or not; the round takes no more past its bound. */
  private int statements;

  /** Set when SQLite rolled the whole transaction back under the request that just failed. */
  private boolean lost;

  WriteGroup(DatabaseHandle h, dev.opend1.core.SqlLimits limits, WriteGroups source) {
    this.h = h;
    this.limits = limits;
    this.source = source;
  }

  /** Runs the round: {@code first}, {@code second}, then whatever else waits, within bounds. */
  void run(WriteGroups.Pending first, WriteGroups.Pending second, long started) {
    Deque<WriteGroups.Pending> todo = new ArrayDeque<>(List.of(first, second));
    List<WriteGroups.Pending> members = new ArrayList<>(todo);
    statements = first.plan.steps.size() + second.plan.steps.size();
    List<WriteGroups.Pending> ran = new ArrayList<>();
    List<WriteGroups.Pending> alone = List.of();
    SqlConnection c;
    try {
      c = h.writer();
    } catch (SQLException | RuntimeException e) {
      todo.forEach(p -> p.fail(e));
      return;
    }
    h.running(c, true);
    try {
      begin(c);
      while (true) {
        WriteGroups.Pending p = todo.poll();
        if (p == null) {
          p = source.next(members.size(), statements, started);
          if (p == null) {
            break;
          }
          members.add(p);
          statements += p.plan.steps.size();
        }
        if (source.late(p)) {
          continue; // answered, nothing of it ran
        }
        if (runOne(c, p)) {
          ran.add(p);
        } else if (lost) {
          lost = false;
          if (h.interruptedByPause) {
            // A restore is waiting for this round: cancel what ran rather than run it again.
            cancel(ran);
            cancel(todo);
            ran.clear();
            todo.clear();
            break;
          }
          for (int i = ran.size() - 1; i >= 0; i--) {
            if (restart(ran.get(i))) {
              todo.addFirst(ran.get(i));
            }
          }
          ran.clear();
          begin(c);
        }
      }
      c.setDeadline(Long.MAX_VALUE);
      alone = commit(c, ran);
    } catch (SQLException e) {
      // BEGIN failed (the database is busy or damaged, the disk full): nothing of the round ran.
      Execution.rollback(c);
      RuntimeException failure = Execution.failure(h, e);
      members.forEach(p -> p.fail(failure));
    } catch (RuntimeException | Error e) {
      // Not SQLite's failure but ours: no request may wait for an answer that will not come.
      Execution.rollback(c);
      members.forEach(p -> p.fail(e));
      throw e;
    } finally {
      h.running(c, false);
      c.setDeadline(Long.MAX_VALUE);
    }
    for (WriteGroups.Pending p : alone) {
      if (restart(p)) {
        source.alone(p);
      }
    }
    h.maybeCheckpoint();
  }

  private static void begin(SqlConnection c) throws SQLException {
    c.beginImmediate();
    c.addCfKvIfMissing();
  }

  /**
   * Runs one request inside its savepoint; true when it ran. A failed one is rolled back to its
   * savepoint and answered with its error; {@link #lost} says whether SQLite had rolled back the
   * whole transaction instead.
   */
  private boolean runOne(SqlConnection c, WriteGroups.Pending p) {
    c.setDeadline(System.nanoTime() + limits.requestTimeout().toNanos());
    RuntimeException failure;
    try {
      c.savepoint();
      p.sink.begin(false);
      QueryRunner.runAll(h, c, p.plan, p.sink);
      c.release();
      return true;
    } catch (SQLException e) {
      lost = !rollbackToSavepoint(c);
      failure = Execution.failure(h, e);
    } catch (IOException e) {
      lost = !rollbackToSavepoint(c);
      failure = new UncheckedIOException(e);
    } catch (RuntimeException e) {
      lost = !rollbackToSavepoint(c);
      failure = e;
    } finally {
      Execution.resetAfter(c, p.plan);
      Execution.syncLastRowId(h, c);
    }
    h.sizeBytes = -1; // measured inside what was rolled back
    p.fail(failure);
    return false;
  }

  /**
   * Undoes a failed request's changes; false when SQLite had already rolled the whole transaction
   * back (its savepoints went with it), or the savepoint could not be rolled back.
   */
  private static boolean rollbackToSavepoint(SqlConnection c) {
    try {
      c.exec(ROLLBACK_TO);
      c.release();
      return true;
    } catch (SQLException e) {
      Execution.rollback(c);
      return false;
    }
  }

  /**
   * Commits what ran and answers it with the commit's durability. Returns the requests to run again
   * alone: all of them when {@code COMMIT} found a deferred constraint broken.
   */
  private List<WriteGroups.Pending> commit(SqlConnection c, List<WriteGroups.Pending> ran) {
    if (ran.isEmpty()) {
      Execution.rollback(c);
      return List.of();
    }
    try {
      c.commit();
    } catch (SQLException e) {
      Execution.rollback(c);
      h.sizeBytes = -1;
      if (SqlErrors.primary(e) == SQLiteErrorCode.SQLITE_CONSTRAINT) {
        return ran;
      }
      for (WriteGroups.Pending p : ran) {
        p.fail(Execution.failure(h, e));
      }
      return List.of();
    }
    c.cfKvCommitted();
    // Counted before the capture, which may make it durable on this thread (its fsync).
    h.counters.writesCommitted(ran.size());
    CompletableFuture<Bookmark> durable = h.committed();
    ran.forEach(p -> p.answerWhenDurable(durable));
    return List.of();
  }

  /** Forgets a request's held results so it can run again; false (and answered) if it cannot. */
  private static boolean restart(WriteGroups.Pending p) {
    if (p.sink.reset()) {
      return true;
    }
    p.fail(new EngineException("a write's results could not be discarded to run it again", null));
    return false;
  }

  /** Answers requests a restore's pause cancelled, with the words a cancelled request gets. */
  private void cancel(Iterable<WriteGroups.Pending> requests) {
    for (WriteGroups.Pending p : requests) {
      p.fail(Execution.cancelledByRestore());
    }
  }
}
