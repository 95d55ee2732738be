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
    Envelope.error(ctx, answerFor(e, ctx.method().name(), ctx.path(), Exchange.of(ctx)));
  }

  /**
   * What a request that failed with an exception other than a {@link D1Exception} is answered,
   * logged here: a full disk as {@link D1Exception.DiskFull}, anything else as {@link
   * D1Exception.Internal} with the request's id ({@code x}, or null) in the log line.
   */
  static D1Exception answerFor(Exception e, String method, String path, Exchange x) {
    if (D1Exception.DiskFull.causedBy(e)) {
      LOG.warn("disk full on {} {}: {}", method, path, e.toString());
      return new D1Exception.DiskFull("the request could not be completed");
    }
    LOG.error("internal error {} on {} {}", x == null ? "-" : x.id, method, path, e);
    return new D1Exception.Internal(e);
  }

  /** What a request that failed with an {@link Error} is answered, logged here. */
  static D1Exception answerFor(Error e, String reference) {
    LOG.error("internal error {}: {}", reference, e.toString(), e);
    return new D1Exception.Internal(e);
  }

  private static void error(HttpServletResponse res, Error e) {
    String reference = String.valueOf(res.getHeader("x-request-id"));
    D1Exception answer = answerFor(e, reference);
    try {
      Envelope.error(res, answer);
    } catch (java.io.IOException | RuntimeException written) {
      LOG.warn("could not answer internal error {}: {}", reference, written);
    }
  }
}
