package dev.opend1.api;

import dev.opend1.core.D1Exception;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a request's failure on the API listener becomes its answer: a {@link D1Exception} is
 * answered as it is; anything else caused by a full disk as {@link D1Exception.DiskFull}; any other
 * exception or {@link Error} is logged with its request id and answered as {@link
 * D1Exception.Internal}. Every answer is D1's envelope ({@link Envelope}), with the status {@link
 * HttpStatuses} gives.
 */
final class ErrorHandlers {

  /** The server's own logger: operators filter on it, wherever the line is written from. */
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private ErrorHandlers() {}

  /** Installs the handlers on the API listener's configuration. */
  static void install(JavalinConfig cfg) {
    cfg.routes.exception(D1Exception.class, (e, ctx) -> Envelope.error(ctx, e));
    cfg.routes.exception(Exception.class, ErrorHandlers::unexpected);
    // An Error (OutOfMemoryError above all) gets the same envelope, not an empty 500.
    // The request's allocations are unreachable once it unwound, so the server goes on.
    cfg.router.javaLangErrorHandler(ErrorHandlers::error);
  }

  private static void unexpected(Exception e, Context ctx) {
    if (D1Exception.DiskFull.causedBy(e)) {
      LOG.warn("disk full on {} {}: {}", ctx.method(), ctx.path(), e.toString());
      Envelope.error(ctx, new D1Exception.DiskFull("the request could not be completed"));
      return;
    }
    Exchange x = Exchange.of(ctx);
    LOG.error("internal error {} on {} {}", x == null ? "-" : x.id, ctx.method(), ctx.path(), e);
    Envelope.error(ctx, new D1Exception.Internal(e));
  }

  private static void error(HttpServletResponse res, Error e) {
    String reference = String.valueOf(res.getHeader("x-request-id"));
    LOG.error("internal error {}: {}", reference, e.toString(), e);
    try {
      Envelope.error(res, new D1Exception.Internal(e));
    } catch (java.io.IOException | RuntimeException written) {
      LOG.warn("could not answer internal error {}: {}", reference, written);
    }
  }
}
