package dev.opend1.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests Jetty refuses before any route sees them (a malformed request line or
 * header, a bad URI such as {@code %00} or an encoded {@code /}, headers too large) with D1's error
 * envelope instead of Jetty's HTML page: code 7400 for a 4xx, 7500 for a 5xx. The message is only
 * the status's reason phrase, so nothing the client sent (a token in a header) is echoed back.
 *
 * <p>A 5xx here is a failure that escaped the routes' own error handling ({@link ErrorHandlers}):
 * it is logged with the request's id (the answer's {@code reference}) and the cause Jetty hands
 * over, so that the answer leads to its explanation.
 */
final class ProtocolErrors extends ErrorHandler {

  /** The server's own logger, as {@link ErrorHandlers}'. */
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** Where the servlet layer puts a failure it hands to its error handler. */
  private static final String SERVLET_EXCEPTION = "jakarta.servlet.error.exception";

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() < 400 ? 500 : response.getStatus();
    int code = status >= 500 ? 7500 : 7400;
    // A request refused before the observer saw it (a malformed request line) gets an id here.
    Exchange x = request.getAttribute(Exchange.ATTRIBUTE) instanceof Exchange e ? e : null;
    String id = x != null ? x.id : RequestObserver.requestId(null);
    if (x != null) {
      x.errorCode = code;
    } else {
      response.getHeaders().put(RequestObserver.HEADER, id);
    }
    if (status >= 500) {
      LOG.error(
          "internal error {} on {} {}: answered {} by Jetty",
          id,
          request.getMethod(),
          request.getHttpURI().getPath(),
          status,
          cause(request));
    }
    byte[] body = Envelope.failure(status, code, HttpStatus.getMessage(status), id);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** The failure Jetty answers for, from the core or the servlet layer; null when it gave none. */
  private static Throwable cause(Request request) {
    for (String name : new String[] {ERROR_EXCEPTION, SERVLET_EXCEPTION}) {
      if (request.getAttribute(name) instanceof Throwable t) {
        return t;
      }
    }
    return null;
  }
}
