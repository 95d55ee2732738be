package dev.opend1.api;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Tells HTTP/1.1 clients how long an idle connection stays open: {@code Keep-Alive: timeout=N}, the
 * connector's idle timeout in whole seconds. Clients that read it (Node's undici, used by wrangler
 * and fetch) stop reusing a pooled connection before the server closes it, instead of sending a
 * request on a socket the server already closed and failing once with {@code UND_ERR_SOCKET}, which
 * a real client run hit after a busy spell of over 30 s.
 */
final class KeepAliveHint implements HttpConfiguration.Customizer {

  /** The header for one idle timeout, made once and kept while the timeout stays the same. */
  private record Hint(long seconds, HttpField header) {}

  private volatile Hint last;

  @Override
  public Request customize(Request request, HttpFields.Mutable responseHeaders) {
    Connector connector = request.getConnectionMetaData().getConnector();
    if (request.getConnectionMetaData().getHttpVersion().getVersion() == 11
        && !request.getHeaders().contains(HttpHeader.CONNECTION, "close")
        && connector instanceof AbstractConnector c
        && c.getIdleTimeout() >= 1000) {
      responseHeaders.put(header(c.getIdleTimeout() / 1000));
    }
    return request;
  }

  /**
   * {@code Keep-Alive: timeout=N}, encoded once rather than built and encoded on every request: the
   * timeout only changes when the connector is reconfigured.
   */
  private HttpField header(long seconds) {
    Hint hint = last;
    if (hint == null || hint.seconds() != seconds) {
      hint = new Hint(seconds, new PreEncodedHttpField("Keep-Alive", "timeout=" + seconds));
      last = hint;
    }
    return hint.header();
  }
}
