package dev.opend1.api;

import io.javalin.http.Context;

/**
 * What the edge learns about one request while it passes through: its id (the {@code x-request-id}
 * of its answer), where it was routed, and the D1 error code it was answered with. {@link
 * RequestObserver} makes one per request and reads it when the response is complete, for the
 * request log and the metrics; the layers in between fill it in. Each field is written by one
 * thread of the request and read after its response completed.
 */
final class Exchange {

  /** The request attribute it travels in. */
  static final String ATTRIBUTE = "opend1.exchange";

  /** The route template of a request no route matched. */
  static final String UNMATCHED = "unmatched";

  final String id;
  final long startNanos;

  /**
   * When Jetty began to read the request ({@link System#nanoTime}), before it waited for a request
   * thread: a forwarded request's budget counts from here.
   */
  final long arrivedNanos;

  /** Whether a forwarding node gave the request a start deadline ({@link #startBy}). */
  private volatile boolean deadlineGiven;

  /** That deadline ({@link System#nanoTime}), when {@link #deadlineGiven}. */
  private volatile long deadline;

  /** The route template ({@code /client/v4/accounts/{account}/d1/database/{db}/query}). */
  volatile String route = UNMATCHED;

  /** The account and database as named in the path, or null. */
  volatile String account;

  volatile String database;

  /** The D1 error code of an error answer, or 0. */
  volatile int errorCode;

  /** Logged at DEBUG rather than INFO: the web console's files. */
  volatile boolean quiet;

  Exchange(String id, long startNanos, long arrivedNanos) {
    this.id = id;
    this.startNanos = startNanos;
    this.arrivedNanos = arrivedNanos;
  }

  /**
   * A forwarding node gave the request {@code millis} from its arrival to start its write in
   * ({@link Forwarder#START_WITHIN}): past that, it may have answered its client already.
   */
  void startWithin(long millis) {
    deadline = arrivedNanos + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    deadlineGiven = true;
  }

  /** The earlier of the forwarding node's deadline, if it gave one, and {@code otherwise}. */
  long startBy(long otherwise) {
    return deadlineGiven && deadline - otherwise < 0 ? deadline : otherwise;
  }

  /** The exchange of a request inside a Javalin handler, or null outside the observer. */
  static Exchange of(Context ctx) {
    return ctx.req().getAttribute(ATTRIBUTE) instanceof Exchange x ? x : null;
  }
}
