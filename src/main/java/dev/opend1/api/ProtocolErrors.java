package dev.opend1.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the requests Jetty refuses before any route sees them (a malformed request line or
 * header, a bad URI such as {@code %00} or an encoded {@code /}, headers too large) with D1's error
 * envelope instead of Jetty's HTML page: code 7400 for a 4xx, 7500 for a 5xx. The message is only
 * the status's reason phrase, so nothing the client sent (a token in a header) is echoed back.
 */
final class ProtocolErrors extends ErrorHandler {

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
    byte[] body = Envelope.failure(status, code, HttpStatus.getMessage(status), id);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
