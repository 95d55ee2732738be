package dev.opend1.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What {@code /query} and {@code /raw} need of one HTTP request and its response: the seam between
 * {@link QueryRoutes} and the two ways a request reaches them. A request routed by Javalin comes
 * with its {@code Context} ({@link ContextCall}); on a standalone server, the point read's path
 * takes them straight from Jetty, without Javalin's routing and the servlet layer ({@link
 * DirectQueries}). The routes' code is the same for both.
 */
interface QueryCall {

  /** The database as named in the path. */
  String database();

  /** The raw query string, or null when the URL has none. */
  String queryString();

  /** A query parameter's first value, decoded, or null. */
  String queryParam(String name);

  /** A request header's value, or null. */
  String header(String name);

  /** The declared {@code Content-Length}, or -1 when the body is chunked. */
  long contentLength();

  /**
   * When ({@link System#nanoTime}) the request's write must have started, given the engine's own
   * deadline {@code otherwise}: a forwarded request's earlier deadline ({@link Exchange#startBy}),
   * else {@code otherwise}.
   */
  long startBy(long otherwise);

  /** The request's body, from its start. */
  InputStream body() throws IOException;

  /**
   * Starts a 200 answer of {@code application/json} carrying the bookmark it reflects, with its
   * length when known ({@code length} >= 0), else streamed.
   */
  void startAnswer(String bookmark, long length);

  /** Where the answer's body goes; the same stream for the request's life. */
  OutputStream output() throws IOException;

  /** Sends what the output holds: the answer is complete once its body was all written. */
  void endAnswer() throws IOException;

  /**
   * Cuts the connection off without completing the answer (part of a 200 may be out already), so no
   * client can take it for a complete one; ends a write blocked on a client that stopped reading.
   */
  void abort(Throwable why);
}
