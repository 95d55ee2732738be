package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.api.fakes.DelegatingQueries;
import dev.opend1.api.fakes.FakeQueries;
import dev.opend1.api.fakes.Fakes;
import dev.opend1.core.AccountId;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.testing.RawHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request that may have run but whose answer breaks off is never answered 500 "Server Error"
 * (Jetty's own answer to a failed request, which says the request failed): a cluster member whose
 * forwarded request's owner breaks its answer off answers 502 "may or may not have been applied"
 * while nothing of it was passed on, and cuts the response off once part of it was; an owner that
 * cannot finish the answer of a write that ran cuts the response off. Over the routes' fakes, with
 * a stand-in owner on a raw socket that sends part of an answer and closes.
 */
class BrokenAnswerTest {

  @TempDir Path dir;
  Fakes fakes;
  AccountId account;
  String token;
  ServerSocket owner;
  ApiServer server;

  /** The one database the member serves itself; every other one is the stand-in owner's. */
  volatile DatabaseId local;

  @BeforeEach
  void accounts() {
    fakes = new Fakes();
    account = fakes.accounts.create("account").id();
    token = fakes.tokens.create(account, "t", Permission.EDIT, Optional.empty()).secret();
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (owner != null) {
      owner.close();
    }
  }

  @Test
  void anOwnersAnswerThatBreaksOffBeforeAnyOfItWasPassedOnIs502() throws Exception {
    String partial = "{\"result\":[";
    AtomicInteger served = ownerSending(500, partial.getBytes(StandardCharsets.US_ASCII));
    server = member(fakes.queries, URI.create("http://127.0.0.1:" + owner.getLocalPort()));

    RawHttp.Response r = insert(UUID.randomUUID().toString());

    assertThat(served.get())
        .as("the owner got the request once, and it was not sent again")
        .isOne();
    assertThat(r.status()).as(r.head()).isEqualTo(502);
    JsonNode error = r.json().path("errors").path(0);
    assertThat(error.path("code").asInt()).isEqualTo(7500);
    String id = header(r, "x-request-id");
    assertThat(error.path("message").asText())
        .contains("failed before its answer was complete")
        .contains("the request may or may not have been applied")
        .endsWith("; reference = " + id);
    assertThat(r.bodyText()).doesNotContain(partial);
  }

  @Test
  void anOwnersAnswerThatBreaksOffMidwayIsCutOff() throws Exception {
    // More than the response's buffer: the first part is out before the rest breaks off.
    byte[] part = ("{\"result\":[\"" + "x".repeat(200_000)).getBytes(StandardCharsets.US_ASCII);
    ownerSending(400_000, part);
    server = member(fakes.queries, URI.create("http://127.0.0.1:" + owner.getLocalPort()));

    RawHttp.Response r = insert(UUID.randomUUID().toString());

    assertThat(r.status()).isEqualTo(200);
    assertThat(header(r, "content-length")).isEqualTo("400000");
    assertThat(r.body().length).as("a part, never taken for the whole").isLessThan(400_000);
  }

  @Test
  void aWriteThatRanButWhoseAnswerCannotBeFinishedIsCutOff() throws Exception {
    FakeQueries ran = fakes.queries;
    // Finishing the answer fails after the write ran: the fake tells no commit's bookmark
    // (ResultSink.durable, as the engine does), so the answer asks for one, and that fails.
    QueryService failing =
        new DelegatingQueries(ran) {
          @Override
          public Bookmark bookmark(DatabaseId id) {
            throw new IllegalStateException("the history was closed under the request");
          }
        };
    server = member(failing, URI.create("http://127.0.0.1:1"));
    local =
        fakes
            .databases
            .create(
                account,
                new DatabaseService.NewDatabase("d", Optional.empty(), Optional.empty(), "auto"))
            .id();

    assertThatThrownBy(() -> insert(local.toString()))
        .as("no answer at all: the connection is closed")
        .isInstanceOf(IOException.class);
    assertThat(ran.ran()).as("the write ran").hasSize(1);
  }

  /**
   * The stand-in owner: answers one request with {@code length} announced and {@code part} sent.
   */
  private AtomicInteger ownerSending(int length, byte[] part) throws IOException {
    owner = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger served = new AtomicInteger();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (true) {
                try (Socket s = owner.accept()) {
                  RawHttp.readHead(s.getInputStream());
                  served.incrementAndGet();
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                              + length
                              + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.write(part);
                  out.flush();
                } catch (IOException e) {
                  return; // closed by the test
                }
              }
            });
    return served;
  }

  /** A cluster member over the fakes, whose databases but {@link #local} {@code ownerUrl} owns. */
  private ApiServer member(QueryService queries, URI ownerUrl) {
    return ForwardingMember.start(dir, fakes, queries, ownerUrl, db -> db.equals(local), Map.of());
  }

  private RawHttp.Response insert(String db) throws IOException {
    byte[] body = "{\"sql\":\"INSERT INTO t VALUES (1)\"}".getBytes(StandardCharsets.UTF_8);
    return RawHttp.send(
        server.port(),
        RawHttp.request(
            "POST",
            "/client/v4/accounts/" + account + "/d1/database/" + db + "/query",
            List.of("Authorization: Bearer " + token, "Content-Type: application/json"),
            body));
  }

  private static String header(RawHttp.Response r, String name) {
    return r.head()
        .lines()
        .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":"))
        .map(l -> l.substring(name.length() + 1).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + r.head()));
  }
}
