package dev.opend1.engine;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.SqlLimits;
import dev.opend1.sql.StatementKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One database's write requests, committed in groups: while the writer runs one round, the write
 * requests that arrive wait here, and the next round takes them all (up to {@link #MAX_REQUESTS},
 * {@link #MAX_STATEMENTS} and {@link #BUDGET_NANOS}) and runs them as one SQLite transaction with a
 * savepoint per request ({@link WriteGroup}). One commit, one history record and one fsync then
 * serve every request of the round, where each used to need its own commit and record.
 *
 * <p>A request alone in its round runs as before, in a transaction of its own ({@link
 * Execution#onWriter}); so does one that cannot share a transaction ({@link #groupable}).
 *
 * <p>Every request still takes its turn on the database's {@link SerialQueue} (so the queue's bound
 * and its order with imports, exports' snapshots and the writer's opening and closing hold as
 * before); a request's task finds nothing to do when an earlier round already took its request.
 */
final class WriteGroups {

  /** Requests one round takes at most. */
  static final int MAX_REQUESTS = 128;

  /** Statements one round takes at most: a batch of 1,000 INSERTs shares it with a few others. */
  static final int MAX_STATEMENTS = 4_096;

  /**
   * How long a round goes on taking requests that arrived while it ran: every request of a round
   * waits for its commit, so a round must not grow without end under a steady stream.
   */
  static final long BUDGET_NANOS = 10_000_000L;

  /**
   * How long a round waits, at most, for the fsync of the writer's previous commit before it takes
   * the requests that wait. Those that arrive meanwhile join the round: their commit could not be
   * durable before the next fsync anyway, which begins only once that one ends, so a round run
   * during the fsync gains them nothing and costs a commit and a history record more.
   */
  static final long FSYNC_WAIT_NANOS = 2_000_000L;

  /** A write request waiting for a round, and its answer: when its commit is durable. */
  static final class Pending {
    final QueryPlan plan;
    final ResultSink sink;

    /** When ({@link System#nanoTime}) it must have started by; a round refuses it after. */
    final long startBy;

    /**
     * Set when its statements first start (on the writer's thread only): a request run again after
     * its round's transaction was lost under another is not held to its start deadline again.
     */
    private boolean started;

    /** Its place in the writer's queue, left before it is answered. */
    private final SerialQueue.Slot slot;

    /**
     * Completes once the request's commit is durable (with the bookmark of the state that holds it,
     * null without a history), or with its own error, or with {@link NotDurable} when its commit
     * could not be made durable. One future, completed once (through {@link #answerWhenDurable} or
     * {@link #fail}): the request's thread wakes once, when it can answer.
     */
    final CompletableFuture<Bookmark> result = new CompletableFuture<>();

    /** Set by whoever takes the request: a round. */
    private final AtomicBoolean taken = new AtomicBoolean();

    Pending(QueryPlan plan, ResultSink sink, SerialQueue.Slot slot, long startBy) {
      this.plan = plan;
      this.sink = sink;
      this.slot = slot;
      this.startBy = startBy;
    }

    boolean take() {
      return taken.compareAndSet(false, true);
    }

    /** Answers with {@code durable}'s outcome once it has one; see {@link WriteGroups#answer}. */
    void answerWhenDurable(CompletableFuture<Bookmark> durable) {
      durable.whenComplete(
          (at, e) -> {
            slot.leave();
            answer(at, e, result);
          });
    }

    /** Answers with the request's own error (or the round's), no longer counted as queued. */
    void fail(Throwable e) {
      slot.leave();
      result.completeExceptionally(e);
    }
  }

  private final DatabaseHandle h;
  private final SqlLimits limits;

  /** {@link #FSYNC_WAIT_NANOS}, unless a test set another bound ({@link #slowRounds}). */
  private volatile long fsyncWaitNanos = FSYNC_WAIT_NANOS;

  /** {@link #BUDGET_NANOS}, unless a test set another bound ({@link #slowRounds}). */
  private volatile long budgetNanos = BUDGET_NANOS;

  /**
   * Groupable requests not yet taken by a round. Added to by requests' threads; taken from only by
   * the writer's tasks, which run one at a time, so a peek followed by a poll sees the same entry.
   */
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();

  WriteGroups(DatabaseHandle h, SqlLimits limits) {
    this.h = h;
    this.limits = limits;
  }

  /**
   * A commit that ran but could not be made durable (its capture or fsync failed): the request is
   * not applied, and the database must be rebuilt from its history. Carries the cause.
   */
  static final class NotDurable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotDurable(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Queues a write request; the future completes once its commit is durable (with the bookmark of
   * the state that holds it), or with its own error, or with {@link NotDurable}. A request the
   * writer reaches only after its start deadline ({@link ResultSink#startBy}: at most {@link
   * SqlLimits#writeWait} from now) is not started: its future completes with {@link
   * D1Exception.QueuedTooLong}, nothing of it applied.
   *
   * @throws D1Exception.Overloaded when the database's write queue is full
   */
  CompletableFuture<Bookmark> submit(QueryPlan plan, ResultSink sink) {
    long startBy = sink.startBy(System.nanoTime() + limits.writeWait().toNanos());
    if (!groupable(plan)) {
      CompletableFuture<Bookmark> answer = new CompletableFuture<>();
      h.writes
          .submit(
              () -> {
                refuseIfLate(startBy);
                return Execution.onWriter(h, plan, sink, limits);
              })
          .whenComplete(
              (durable, e) -> {
                if (e != null) {
                  answer.completeExceptionally(e);
                } else {
                  durable.whenComplete((at, f) -> answer(at, f, answer));
                }
              });
      return answer;
    }
    Pending p = new Pending(plan, sink, h.writes.admit(), startBy);
    waiting.add(p);
    h.writes.run(
        p.slot,
        () -> {
          round(p);
          return null;
        });
    return p.result;
  }

  /**
   * Sets how long a round waits for the previous commit's fsync and how long it goes on taking
   * requests: for tests that hold the fsync, and count the rounds however slow the machine is.
   */
  void slowRounds(long fsyncWait, long budget) {
    fsyncWaitNanos = fsyncWait;
    budgetNanos = budget;
  }

  /**
   * Whether a request may share a transaction with others: only rows are written and read. A
   * request that changes the schema, sets a PRAGMA or makes TEMP objects runs alone, as do ANALYZE,
   * REINDEX and PRAGMA reads: the writer's caches (prepared statements, {@link Confinement}'s
   * verdicts, index counts) are kept per schema version, and a savepoint rolled back would give a
   * version number back for another schema of the same transaction to reuse; a PRAGMA setting would
   * outlive its request into the next one of the group.
   */
  static boolean groupable(QueryPlan plan) {
    if (!plan.cacheable) {
      return false;
    }
    for (QueryPlan.Step s : plan.steps) {
      StatementKind k = s.statement().kind();
      if (k != StatementKind.WRITE && k != StatementKind.SELECT && k != StatementKind.EXPLAIN) {
        return false;
      }
    }
    return true;
  }

  /** One round, on the writer's thread, starting with {@code first} unless a round took it. */
  private void round(Pending first) {
    if (!first.take()) {
      return;
    }
    h.awaitDurable(fsyncWaitNanos);
    long started = System.nanoTime();
    Pending second = next(1, first.plan.steps.size(), started);
    if (second == null) {
      alone(first);
      return;
    }
    new WriteGroup(h, limits, this).run(first, second, started);
  }

  /**
   * The next waiting request this round may take, having taken {@code requests} requests with
   * {@code statements} statements since {@code started}; null when none waits or the round is full.
   */
  Pending next(int requests, int statements, long started) {
    if (requests >= MAX_REQUESTS || System.nanoTime() - started > budgetNanos) {
      return null;
    }
    for (Pending p; (p = waiting.peek()) != null; ) {
      if (statements + p.plan.steps.size() > MAX_STATEMENTS) {
        return null; // it starts the next round
      }
      waiting.poll();
      if (p.take()) {
        return p;
      }
    }
    return null;
  }

  /**
   * Whether a request taken by a round is past its start deadline: then it is answered {@link
   * D1Exception.QueuedTooLong} and not run. Checked the moment before its statements would start
   * (in a group, after those of the requests before it), so a write its client or forwarding node
   * may have given up on is never applied late. Only its first start: one run again (its round's
   * transaction lost under another request, or its commit refused) started in time.
   */
  boolean late(Pending p) {
    if (p.started) {
      return false;
    }
    try {
      refuseIfLate(p.startBy);
      p.started = true;
      return false;
    } catch (D1Exception.QueuedTooLong e) {
      p.fail(e);
      return true;
    }
  }

  /** Refuses a write that would start after {@code startBy} ({@link System#nanoTime}). */
  private void refuseIfLate(long startBy) {
    if (System.nanoTime() - startBy > 0) {
      h.counters.overloads.increment();
      throw new D1Exception.QueuedTooLong();
    }
  }

  /** Runs a request in a transaction of its own, as every write ran before groups. */
  void alone(Pending p) {
    if (late(p)) {
      return;
    }
    try {
      p.answerWhenDurable(Execution.onWriter(h, p.plan, p.sink, limits));
    } catch (Throwable t) {
      p.fail(t);
    }
  }

  /**
   * Completes {@code answer} with a commit's durability: its bookmark {@code at}, {@code failure}
   * being null once it is durable. Called on the thread that makes the commit durable (the
   * history's fsync), so the writer never wakes a request's thread, and that thread wakes once. A
   * failed durability completes it with {@link NotDurable}, so the caller can tell it from the
   * request's own error.
   */
  private static void answer(Bookmark at, Throwable failure, CompletableFuture<Bookmark> answer) {
    if (failure == null) {
      answer.complete(at);
    } else {
      Throwable cause =
          failure instanceof java.util.concurrent.CompletionException c ? c.getCause() : failure;
      answer.completeExceptionally(new NotDurable(cause == null ? failure : cause));
    }
  }
}
