package dev.opend1.api;

import dev.opend1.core.D1Exception;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP handler just inside {@link RequestObserver}: counts the requests in flight and, once the
 * server is stopping, answers every new request 503 in D1's envelope (code 7500, "the server is
 * shutting down", with {@code Retry-After}) before it reaches any route, so it did nothing and is
 * safe to retry. {@link #drain} waits for the running ones to finish.
 */
final class Draining extends Handler.Wrapper {

  /**
   * When a refused request may try again: a restart takes a few seconds. Clients that honour it
   * (the cloudflare SDK does) then reach the new server rather than this stopping one.
   */
  static final String RETRY_AFTER_SECONDS = "5";

  private final AtomicInteger running = new AtomicInteger();
  private volatile boolean stopping;

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!admit()) {
      Exchange x = request.getAttribute(Exchange.ATTRIBUTE) instanceof Exchange e ? e : null;
      if (x != null) {
        x.errorCode = REFUSAL.code();
      }
      response.setStatus(HttpStatuses.of(REFUSAL));
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      byte[] body = Envelope.failure(REFUSAL, x == null ? null : x.id);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
    Callback counted =
        new Callback() {
          @Override
          public void succeeded() {
            release();
            callback.succeeded();
          }

          @Override
          public void failed(Throwable x) {
            release();
            callback.failed(x);
          }

          @Override
          public InvocationType getInvocationType() {
            return callback.getInvocationType();
          }
        };
    boolean handled;
    try {
      handled = super.handle(request, response, counted);
    } catch (Exception | Error e) {
      release();
      throw e;
    }
    if (!handled) {
      release();
    }
    return handled;
  }

  /**
   * Counts a request in, unless the server is stopping. Counted first, then checked: a request that
   * finds the server not stopping is already counted when {@link #drain} reads the count, so a
   * drain never ends with a request on its way in (checked first, one could pass the check, then a
   * drain find nothing running, and the request run while the server stops under it).
   */
  boolean admit() {
    running.incrementAndGet();
    if (stopping) {
      running.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Counts a request admitted by {@link #admit} out, once its response is complete. */
  void release() {
    running.decrementAndGet();
  }

  /**
   * Refuses new requests from now on and waits up to {@code limit} for the running ones to finish.
   *
   * @return true when none is left running
   */
  boolean drain(Duration limit) throws InterruptedException {
    stopping = true;
    long deadline = System.nanoTime() + limit.toNanos();
    // One reading decides: a request refused meanwhile is counted for a moment (admit), so a second
    // reading could see it and call the drain unfinished.
    while (running.get() > 0) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** What a request that arrives while the server stops is answered. */
  private static final D1Exception REFUSAL = new D1Exception.ShuttingDown();
}
