package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The owner's side of the news to the nodes that follow its databases, over real HTTP to a small
 * JDK server standing in for a follower (it records each call's body and answers 204): one call in
 * flight per follower, the news that came meanwhile merged into the next, and a follower that fails
 * a call dropped.
 */
class ReplicaNewsTest {

  private static final String SECRET = "the-secret-of-the-news-test";

  private final Forwarder forwarder = new Forwarder(SECRET, SqlLimits.d1(), Optional.empty());
  private final ReplicaNews news =
      new ReplicaNews(forwarder, URI.create("http://127.0.0.1:1"), new NoCopies());

  @Test
  void theCallsBetweenNodesAreLoggedAtDebugOnly() {
    assertThat(RequestLog.quiet(ReplicaNews.NEWS)).isTrue();
    assertThat(RequestLog.quiet(ReplicaNews.FOLLOW)).isTrue();
    assertThat(RequestLog.quiet("/client/v4/accounts/{account}/d1/database/{db}/query")).isFalse();
    assertThat(RequestLog.quiet(ForwardingRoutes.ANALYTICS_FLUSH)).isFalse();
  }

  @Test
  void newsThatComesWhileACallIsInFlightGoesInTheNextCallWithTheNewestSeqOfEachDatabase()
      throws Exception {
    List<JsonNode> calls = Collections.synchronizedList(new ArrayList<>());
    List<String> secrets = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpServer follower =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    follower.createContext(
        ReplicaNews.NEWS,
        x -> {
          calls.add(Json.MAPPER.readTree(x.getRequestBody()));
          secrets.add(x.getRequestHeaders().getFirst(Forwarder.SECRET));
          firstArrived.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    follower.start();
    try {
      URI node = URI.create("http://127.0.0.1:" + follower.getAddress().getPort());
      DatabaseId one = DatabaseId.random();
      DatabaseId two = DatabaseId.random();
      DatabaseId unfollowed = DatabaseId.random();
      news.register(one, node);
      news.register(two, node);

      news.durable(one, 1);
      assertThat(firstArrived.await(30, TimeUnit.SECONDS)).isTrue();
      // The first call is held by the follower: everything now waits for the next call.
      for (long seq = 2; seq <= 50; seq++) {
        news.durable(one, seq);
      }
      news.durable(two, 7);
      news.durable(unfollowed, 3);
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (calls.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(200); // a third call, were one sent, would come now
      assertThat(calls).hasSize(2);
      assertThat(calls.get(0).toString())
          .isEqualTo("{\"news\":[{\"database\":\"" + one + "\",\"seq\":1}]}");
      assertThat(calls.get(1).toString())
          .isEqualTo(
              "{\"news\":[{\"database\":\""
                  + one
                  + "\",\"seq\":50},{\"database\":\""
                  + two
                  + "\",\"seq\":7}]}");
      assertThat(secrets).containsOnly(SECRET);
      assertThat(news.followersOf(one)).containsExactly(node);
    } finally {
      follower.stop(0);
      forwarder.close();
    }
  }

  @Test
  void aFollowerThatCannotBeReachedIsDropped() throws Exception {
    URI gone;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      gone = URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
    DatabaseId db = DatabaseId.random();
    news.register(db, gone);
    assertThat(news.followersOf(db)).containsExactly(gone);
    news.durable(db, 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!news.followersOf(db).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(news.followersOf(db)).isEmpty();
    forwarder.close();
  }

  /** A node with no copies: the owner's side alone is under test. */
  private static final class NoCopies implements ReplicaService {
    @Override
    public Optional<Read> read(DatabaseRecord db, Optional<String> lastSeen) {
      return Optional.empty();
    }

    @Override
    public void forwardedWrite(DatabaseId db) {}

    @Override
    public void heard(DatabaseId db, long seq) {}

    @Override
    public void onDurable(DurableNews news) {}
  }
}
