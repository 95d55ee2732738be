package dev.opend1.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * The outermost HTTP handler: gives every request an id and, once its response is complete (every
 * byte written, so the sizes and the time are the real ones), writes its request log line and
 * records its metrics.
 *
 * <p>The id is the request's own {@code x-request-id} when it has a sane one (a proxy's, say), else
 * a new random one; it is answered in {@code x-request-id}, logged, set in the logging context
 * ({@code request_id}) while the request runs, and ends every 5xx message.
 */
final class RequestObserver extends Handler.Wrapper {

  static final String HEADER = "x-request-id";

  /** An id a client may choose: printable, no spaces or quotes, at most 128 characters. */
  private static final Pattern GIVEN_ID = Pattern.compile("[A-Za-z0-9._:=+/-]{1,128}");

  private final RequestLog log;
  private final Metrics metrics;

  RequestObserver(RequestLog log, Metrics metrics) {
    this.log = log;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long now = System.nanoTime();
    long begun = request.getBeginNanoTime();
    Exchange x =
        new Exchange(
            requestId(request.getHeaders().get(HEADER)), now, now - begun >= 0 ? begun : now);
    request.setAttribute(Exchange.ATTRIBUTE, x);
    response.getHeaders().put(HEADER, x.id);
    Callback observed =
        new Callback() {
          @Override
          public void succeeded() {
            finished(request, response, x, false);
            callback.succeeded();
          }

          @Override
          public void failed(Throwable failure) {
            finished(request, response, x, true);
            callback.failed(failure);
          }

          @Override
          public InvocationType getInvocationType() {
            return callback.getInvocationType();
          }
        };
    MDC.put("request_id", x.id);
    try {
      return super.handle(request, response, observed);
    } finally {
      MDC.remove("request_id");
    }
  }

  /** The response is complete (or was cut off): one log line and the request's metrics. */
  private void finished(Request request, Response response, Exchange x, boolean aborted) {
    try {
      long nanos = System.nanoTime() - x.startNanos;
      int status = response.getStatus();
      metrics.request(request.getMethod(), x.route, status, nanos, x.account, x.database);
      if (x.errorCode != 0) {
        metrics.error(x.errorCode, status);
      }
      log.log(
          new RequestLog.Entry(
              x.id,
              request.getMethod(),
              x.route,
              status,
              nanos / 1_000_000.0,
              x.account,
              x.database,
              Request.getContentBytesRead(request),
              Response.getContentBytesWritten(response),
              Request.getRemoteAddr(request),
              request.getHeaders().get(HttpHeader.USER_AGENT),
              aborted,
              x.quiet));
    } catch (RuntimeException e) {
      // Observing must never fail the request it observes.
      org.slf4j.LoggerFactory.getLogger(RequestObserver.class)
          .warn("request {} could not be logged: {}", x.id, e.toString());
    }
  }

  /** The client's id when it is one we can log and echo safely, else a new random one. */
  static String requestId(String given) {
    if (given != null && GIVEN_ID.matcher(given).matches()) {
      return given;
    }
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }
}
