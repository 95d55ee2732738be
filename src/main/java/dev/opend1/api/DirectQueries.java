package dev.opend1.api;

import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /client/v4/accounts/{account}/d1/database/{db}/query} and {@code .../raw} on a
 * standalone server, taken straight from Jetty: the path is split by hand, and {@link QueryRoutes}
 * answers through a {@link QueryCall} over Jetty's own request and response, without Javalin's
 * context, its regex routing and the servlet layer under it, which a point read otherwise pays on
 * every request (docs/performance.md, "The point read without Javalin").
 *
 * <p>It sits inside {@link Draining} (a stopping server refuses these too) and {@link
 * RequestObserver} (request id, log line, metrics), and answers exactly as the Javalin route does:
 * the same checks in the same order ({@link ApiServer}), the same errors through {@link
 * ErrorHandlers} and {@link Envelope}, the same route template in the log and the metrics. Any
 * request it is not sure of falls through to Javalin unchanged: another method or path, a query
 * string ({@code ?bookmark=}, {@code ?timestamp=}), a path segment with anything but letters,
 * digits, {@code -} and {@code _} (so there is nothing to decode and nothing malformed). A cluster
 * member does not install it: its {@code /query} forwards ({@link ForwardingRoutes}).
 */
final class DirectQueries extends Handler.Wrapper {

  /** The route templates the request log and the metrics name these requests by. */
  static final String QUERY = "/client/v4/accounts/{account}/d1/database/{db}/query";

  static final String RAW = "/client/v4/accounts/{account}/d1/database/{db}/raw";

  private static final String ACCOUNTS = "/client/v4/accounts/";
  private static final String DATABASE = "/d1/database/";

  private final Authenticator auth;
  private final QueryRoutes routes;

  DirectQueries(Authenticator auth, QueryRoutes routes) {
    this.auth = auth;
    this.routes = routes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = request.getHttpURI().getPath();
    if (!"POST".equals(request.getMethod())
        || request.getHttpURI().getQuery() != null
        || path == null
        || !path.startsWith(ACCOUNTS)) {
      return super.handle(request, response, callback);
    }
    // {account}/d1/database/{db}/query or /raw, each name of plain characters only.
    int accountEnd = plainSegmentEnd(path, ACCOUNTS.length());
    if (accountEnd < 0 || !path.startsWith(DATABASE, accountEnd)) {
      return super.handle(request, response, callback);
    }
    int dbStart = accountEnd + DATABASE.length();
    int dbEnd = plainSegmentEnd(path, dbStart);
    String tail = dbEnd < 0 ? "" : path.substring(dbEnd);
    boolean raw = tail.equals("/raw");
    if (!raw && !tail.equals("/query")) {
      return super.handle(request, response, callback);
    }
    Call call = new Call(request, response, path.substring(dbStart, dbEnd));
    String account = path.substring(ACCOUNTS.length(), accountEnd);
    Exchange x = request.getAttribute(Exchange.ATTRIBUTE) instanceof Exchange e ? e : null;
    if (x != null) {
      x.route = raw ? RAW : QUERY;
      x.account = account;
      x.database = call.database;
    }
    try {
      Caller caller = auth.authenticate(call::header);
      caller.requireAccount(account);
      routes.query(call, caller, raw);
    } catch (D1Exception e) {
      fail(call, x, e);
    } catch (Exception e) {
      fail(call, x, ErrorHandlers.answerFor(e, "POST", path, x));
    } catch (Error e) {
      fail(call, x, ErrorHandlers.answerFor(e, x == null ? "null" : x.id));
    }
    if (call.aborted != null) {
      callback.failed(call.aborted);
    } else {
      callback.succeeded();
    }
    return true;
  }

  /**
   * Where the path segment starting at {@code start} ends (at the next {@code /}), when it is not
   * empty and holds only letters, digits, {@code -} and {@code _}; else -1.
   */
  static int plainSegmentEnd(String path, int start) {
    int i = start;
    for (; i < path.length() && path.charAt(i) != '/'; i++) {
      char c = path.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!plain) {
        return -1;
      }
    }
    return i > start && i < path.length() ? i : -1;
  }

  /**
   * Answers an error in D1's envelope, as {@link Envelope#error} does for a Javalin route; a
   * response already committed can only be cut off.
   */
  private static void fail(Call call, Exchange x, D1Exception e) {
    if (call.response.isCommitted()) {
      call.abort(e);
      return;
    }
    if (x != null) {
      x.errorCode = e.code();
    }
    byte[] body = Envelope.failure(e, x == null ? null : x.id);
    call.response.setStatus(HttpStatuses.of(e));
    call.response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    call.response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    try (OutputStream out = call.output()) {
      out.write(body);
    } catch (IOException | RuntimeException written) {
      call.abort(written);
    }
  }

  /** {@code Content-Type: application/json}, encoded once. */
  private static final HttpField JSON =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");

  /** One request's {@link QueryCall} over Jetty's request and response. */
  private static final class Call implements QueryCall {
    final Request request;
    final Response response;
    final String database;

    /** The response's body stream: buffered, so small writes coalesce. */
    private final OutputStream output;

    /** Why the response was cut off, or null. */
    volatile Throwable aborted;

    Call(Request request, Response response, String database) {
      this.request = request;
      this.response = response;
      this.database = database;
      this.output = Response.asBufferedOutputStream(request, response);
    }

    @Override
    public String database() {
      return database;
    }

    /** None: a request with a query string is Javalin's. */
    @Override
    public String queryString() {
      return null;
    }

    @Override
    public String queryParam(String name) {
      return null;
    }

    @Override
    public String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public long contentLength() {
      return request.getLength();
    }

    /** The engine's own: only a standalone server takes this path, and it forwards nothing. */
    @Override
    public long startBy(long otherwise) {
      return otherwise;
    }

    @Override
    public InputStream body() {
      return Request.asInputStream(request);
    }

    /**
     * Adds the answer's headers rather than putting them (which first looks for one of the same
     * name to replace): none of them is set before the answer starts, and the content type is
     * encoded once for every answer.
     */
    @Override
    public void startAnswer(String bookmark, long length) {
      response.setStatus(200);
      HttpFields.Mutable headers = response.getHeaders();
      headers.add(JSON);
      headers.add(QueryRoutes.BOOKMARK_HEADER, bookmark);
      if (length >= 0) {
        headers.add(new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, length));
      }
    }

    @Override
    public OutputStream output() {
      return output;
    }

    /** Closing the stream writes what it holds as the response's last content. */
    @Override
    public void endAnswer() throws IOException {
      output().close();
    }

    @Override
    public void abort(Throwable why) {
      aborted = why;
      // Closing the connection ends a blocked write and leaves the client no complete answer.
      request.getConnectionMetaData().getConnection().getEndPoint().close(why);
    }
  }
}
