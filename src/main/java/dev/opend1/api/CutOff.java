package dev.opend1.api;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;

/**
 * Ends a Javalin route's response without an answer: the connection is closed, so the client sees a
 * broken exchange, never a complete one. For a request that ran (a write committed) but whose
 * answer could not be written whole.
 *
 * <p>Why not a plain abort of the servlet channel: Jetty answers a failed request whose response is
 * not committed yet with an error page of its own ({@link ProtocolErrors}: 500 "Server Error"), and
 * a 500 tells the client that the request failed, of a write that was applied. Jetty skips that
 * page for a failure carrying its {@link Request.Handler.AbortException}, and closes the connection
 * instead.
 */
final class CutOff {

  private CutOff() {}

  /** Cuts the response of {@code ctx} off for {@code why}. */
  static void cut(Context ctx, Throwable why) {
    ServletContextRequest.getServletContextRequest(ctx.req())
        .getServletChannel()
        .abort(new Request.Handler.AbortException(why));
  }
}
