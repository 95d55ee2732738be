package dev.opend1.api;

import dev.opend1.config.ConfigException;
import dev.opend1.core.D1Exception;
import dev.opend1.core.SqlLimits;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request on to the node that serves it and answers with that node's answer, unchanged:
 * status, headers (but the hop-by-hop ones) and body, both bodies streamed, never held whole.
 *
 * <p>Why the JDK's {@link HttpClient}: it is on every JDK, keeps a pool of HTTP/1.1 keep-alive
 * connections per node, streams a request body from an {@link InputStream} (with its length, or
 * chunked) and a response body into one, and speaks TLS (with the JVM's trust store, or exactly the
 * certificates of {@code --cluster-ca-file}); Jetty's client is not on the classpath (Javalin
 * brings Jetty's server only). Its idle connections close after 30 s, before the other node's 120 s
 * idle timeout, so a pooled connection is rarely one the other end has just closed.
 */
final class Forwarder {

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

  /** Marks a forwarded request: its receiver serves it or refuses it, never forwards it again. */
  static final String MARK = "x-opend1-forwarded";

  /** The cluster's shared secret, on every forwarded request. */
  static final String SECRET = "x-opend1-cluster-secret";

  /** How the client reached the forwarding node, for the URLs the receiver hands out. */
  static final String ORIGIN_HOST = "x-forwarded-host";

  static final String ORIGIN_PROTO = "x-forwarded-proto";

  /**
   * The milliseconds, counted from the request's arrival at the owner, within which a write it
   * carries must start there; the owner refuses one it reaches later ({@link
   * dev.opend1.core.D1Exception.QueuedTooLong}). A remaining budget, not a time of day, so the two
   * nodes' clocks are never compared.
   */
  static final String START_WITHIN = "x-opend1-start-within-ms";

  /**
   * Headers that belong to one connection (RFC 9110 7.6.1), those the JDK's client sets itself, and
   * the ones this class sets: never copied from one side to the other.
   */
  private static final Set<String> NOT_COPIED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect",
          "date",
          MARK,
          SECRET,
          ORIGIN_HOST,
          ORIGIN_PROTO,
          START_WITHIN,
          RequestObserver.HEADER);

  /** How long a connection to another node may take to open. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /**
   * What the owner's answer to a write may take past its statements: the commit made durable (the
   * local fsync, and in a cluster its upload to object storage, whose calls give up after 10 s).
   */
  static final Duration ANSWER_MARGIN = Duration.ofSeconds(15);

  private final HttpClient http;
  private final String secret;

  /** How long a write may wait to start, counted from the request's arrival here. */
  private final Duration wait;

  /** How long it may then run on the owner: the query time limit ({@code --query-timeout-ms}). */
  private final Duration limit;

  /**
   * A forwarder whose https calls trust exactly the certificates of {@code trust} (PEM), or the
   * JVM's trust store when it is empty. The other node's name is checked against its certificate
   * either way.
   *
   * @param limits the write's wait and time limit: see {@link #request}
   */
  Forwarder(String secret, SqlLimits limits, Optional<Path> trust) {
    this.secret = secret;
    this.wait = limits.writeWait();
    this.limit = limits.requestTimeout();
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER);
    trust.ifPresent(file -> b.sslContext(trusting(file)));
    this.http = b.build();
  }

  /** A TLS context that trusts the certificates in {@code file} and nothing else. */
  private static SSLContext trusting(Path file) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(PemKeyStore.trusting(file));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("cluster-ca-file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Sends the request to {@code peer} and copies its answer into the response. {@code failed} runs
   * when the peer could not be reached, the connection failed, or the peer answered 503, so the
   * route to it is looked up again.
   *
   * @throws D1Exception.OwnerUnavailable when no connection to the peer could be made (nothing was
   *     sent)
   * @throws D1Exception.OwnerConnectionLost when the connection failed before the answer was
   *     complete and nothing of it was sent on yet (see {@link #copy})
   */
  void forward(Context ctx, ForwardingService.Peer peer, boolean upload, Runnable failed) {
    forward(ctx, peer, upload, ReplicaReads.BodyHead.NONE, failed);
  }

  /**
   * As above, for a request whose body's {@code head} was read already (to decide where it goes):
   * that is sent first, then what the client still sends.
   */
  void forward(
      Context ctx,
      ForwardingService.Peer peer,
      boolean upload,
      ReplicaReads.BodyHead head,
      Runnable failed) {
    HttpResponse<InputStream> answer;
    try {
      answer =
          http.send(
              request(ctx, peer.url(), upload, head), HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      failed.run();
      throw new D1Exception.OwnerUnavailable(
          "node " + peer.node() + ", which owns the database, cannot be reached at " + peer.url());
    } catch (SSLHandshakeException e) {
      // No byte of the request was sent: the handshake comes first.
      failed.run();
      throw new D1Exception.OwnerUnavailable(
          "node "
              + peer.node()
              + ", which owns the database, cannot be reached at "
              + peer.url()
              + ": the TLS handshake failed ("
              + describe(e)
              + "): its certificate must name that host and be trusted (cluster-ca-file)");
    } catch (IOException e) {
      failed.run();
      throw new D1Exception.OwnerConnectionLost(peer.node(), describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new D1Exception.ShuttingDown();
    }
    if (answer.statusCode() == 503) {
      failed.run();
    }
    copy(ctx, peer, answer, failed);
  }

  /**
   * Asks every peer to flush its analytics ({@code POST path}, with the secret), all at once, and
   * waits up to {@link #CONNECT_TIMEOUT} for them; a peer that fails or is late is logged and left
   * out.
   */
  void flushAnalytics(List<ForwardingService.Peer> peers, String path) {
    List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
    for (ForwardingService.Peer p : peers) {
      calls.add(call(p.url(), path, HttpRequest.BodyPublishers.noBody()));
    }
    for (int i = 0; i < calls.size(); i++) {
      try {
        int status = calls.get(i).get().statusCode();
        if (status != 204) {
          LOG.warn("node {} answered {} to an analytics flush", peers.get(i).node(), status);
        }
      } catch (ExecutionException e) {
        LOG.warn("node {} did not flush its analytics: {}", peers.get(i).node(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Sends {@code json} to another node's internal route {@code path} (with the secret), without
   * waiting: the answer's status, or the failure, completes the future.
   */
  CompletableFuture<Integer> tell(URI node, String path, String json) {
    return call(node, path, HttpRequest.BodyPublishers.ofString(json))
        .thenApply(HttpResponse::statusCode);
  }

  /** A call between nodes: {@code POST path} with the secret, answered within 3 s. */
  private CompletableFuture<HttpResponse<Void>> call(
      URI node, String path, HttpRequest.BodyPublisher body) {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(node + path))
            .timeout(CONNECT_TIMEOUT)
            .header(MARK, "1")
            .header(SECRET, secret)
            .POST(body)
            .build();
    return http.sendAsync(r, HttpResponse.BodyHandlers.discarding());
  }

  /** Closes the pooled connections; called once no request runs. */
  void close() {
    http.shutdownNow();
  }

  /**
   * The request to the owner. Its write must start there within what is left of the write's wait
   * ({@link SqlLimits#writeWait}) since the request arrived here ({@link #START_WITHIN}), and this
   * node waits for the answer to begin for that, the query time limit (the write's run) and {@link
   * #ANSWER_MARGIN}: so a write the owner started is answered with its own result, never with a 502
   * while it may still be applied.
   */
  private HttpRequest request(Context ctx, URI base, boolean upload, ReplicaReads.BodyHead head) {
    HttpServletRequest req = ctx.req();
    String query = req.getQueryString();
    URI target = URI.create(base + req.getRequestURI() + (query == null ? "" : "?" + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(target);
    Exchange x = Exchange.of(ctx);
    long waited = x == null ? 0 : Math.max(0, System.nanoTime() - x.arrivedNanos);
    Duration budget = wait.minusNanos(Math.min(waited, wait.toNanos()));
    b.header(START_WITHIN, Long.toString(budget.toMillis()));
    // An upload's answer comes once the whole file is sent, however long the client takes.
    if (!upload) {
      b.timeout(budget.plus(limit).plus(ANSWER_MARGIN));
    }
    for (String name : Collections.list(req.getHeaderNames())) {
      if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
        for (String value : Collections.list(req.getHeaders(name))) {
          b.header(name, value);
        }
      }
    }
    b.header(MARK, "1");
    b.header(SECRET, secret);
    b.header(ORIGIN_HOST, ctx.host());
    b.header(ORIGIN_PROTO, ctx.scheme());
    if (x != null) {
      // One id for the request on both nodes: in both logs, and in the answer.
      b.header(RequestObserver.HEADER, x.id);
    }
    return b.method(req.getMethod(), body(req, head)).build();
  }

  /**
   * The client's body, streamed as it arrives: with its length, chunked, or none; after the {@code
   * head} of it read already, or that head alone when it is the whole body.
   */
  private static HttpRequest.BodyPublisher body(
      HttpServletRequest req, ReplicaReads.BodyHead head) {
    if (head.whole()) {
      return head.bytes().length == 0
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(head.bytes());
    }
    long length = req.getContentLengthLong();
    boolean chunked = req.getHeader("transfer-encoding") != null;
    if (length == 0 || (length < 0 && !chunked)) {
      return HttpRequest.BodyPublishers.noBody();
    }
    HttpRequest.BodyPublisher stream =
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                InputStream rest = req.getInputStream();
                return head.bytes().length == 0
                    ? rest
                    : new SequenceInputStream(new ByteArrayInputStream(head.bytes()), rest);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    return length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
  }

  /**
   * The peer's status, headers and body into the response. When the peer's answer breaks off before
   * any of it reached the client, the client gets {@link D1Exception.OwnerConnectionLost} (502) as
   * when the connection fails before the answer began: the peer may have run the request, so it is
   * not sent again. Once part of the answer is out, the response is cut off, so the client cannot
   * take a part for the whole.
   *
   * @throws D1Exception.OwnerConnectionLost when the peer's answer broke off before any of it was
   *     sent on
   */
  private static void copy(
      Context ctx, ForwardingService.Peer peer, HttpResponse<InputStream> answer, Runnable failed) {
    HttpServletResponse res = ctx.res();
    res.setStatus(answer.statusCode());
    // The edge's default content type is not the peer's: only what the peer sent.
    res.setContentType(null);
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT)) || isLength(name)) {
                copyHeader(res, name, values);
              }
            });
    try (InputStream in = answer.body()) {
      OutputStream out = res.getOutputStream();
      in.transferTo(out);
      out.flush();
    } catch (IOException e) {
      failed.run();
      String id = res.getHeader(RequestObserver.HEADER);
      LOG.warn("the answer of node {} to request {} broke off: {}", peer.node(), id, describe(e));
      if (res.isCommitted()) {
        CutOff.cut(ctx, e);
        return;
      }
      // Nothing was sent on (a write's small answer waits whole in the response's buffer).
      res.reset();
      if (id != null) {
        res.setHeader(RequestObserver.HEADER, id);
      }
      throw new D1Exception.OwnerConnectionLost(peer.node(), describe(e));
    }
  }

  private static boolean isLength(String name) {
    return name.equalsIgnoreCase("content-length");
  }

  private static void copyHeader(HttpServletResponse res, String name, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i == 0) {
        res.setHeader(name, values.get(i));
      } else {
        res.addHeader(name, values.get(i));
      }
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
