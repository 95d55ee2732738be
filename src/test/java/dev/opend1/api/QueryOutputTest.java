package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.AccountId;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.StatementMeta;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A streamed read's answer before it commits: a small one goes from the generator's buffer to the
 * client with its length, a larger one through the first buffer, and a retry's reset leaves only
 * the retry's results.
 */
class QueryOutputTest {

  private static final StatementMeta META = new StatementMeta(0.1, 0, 0, false, 4096, 1, 0);

  @Test
  void aPointReadsAnswerGoesStraightToTheClientWithItsLength() throws Exception {
    Client client = new Client();
    QueryOutput out = output(client);
    read(out, "one value");
    out.finish();

    JsonNode answer = client.answer();
    assertThat(answer.at("/result/0/results/0/v").asText()).isEqualTo("one value");
    assertThat(client.length).isEqualTo(client.body.size());
    assertThat(out.bytes()).isEqualTo(client.body.size());
    // Written with the answer's end in one piece: nothing flushed it before.
    assertThat(client.flushesBeforeEnd).isZero();
    assertThat(out.usedFirstBuffer()).isFalse();
  }

  @Test
  void anAnswerPastTheGeneratorsBufferGoesThroughTheFirstBuffer() throws Exception {
    Client client = new Client();
    QueryOutput out = output(client);
    String big = "x".repeat(30_000); // past Jackson's 8,000-byte buffer, under the 64 KB first one
    read(out, big);
    out.finish();

    assertThat(client.answer().at("/result/0/results/0/v").asText()).isEqualTo(big);
    assertThat(client.length).isEqualTo(client.body.size());
    assertThat(out.bytes()).isEqualTo(client.body.size());
    assertThat(out.usedFirstBuffer()).isTrue();
  }

  @Test
  void aResetBeforeTheAnswerStartsLeavesOnlyTheRetry() throws Exception {
    for (String first : new String[] {"small", "y".repeat(30_000)}) {
      Client client = new Client();
      QueryOutput out = output(client);
      read(out, first);
      assertThat(out.reset()).isTrue();
      read(out, "retried");
      out.finish();

      JsonNode answer = client.answer();
      assertThat(answer.at("/result").size()).isEqualTo(1);
      assertThat(answer.at("/result/0/results/0/v").asText()).isEqualTo("retried");
      assertThat(client.length).isEqualTo(client.body.size());
      assertThat(out.bytes()).isEqualTo(client.body.size());
    }
  }

  /** One statement returning one row {@code {v: value}}, as a read that may stream runs it. */
  private static void read(QueryOutput out, String value) throws Exception {
    out.begin(true);
    out.statementStart(new String[] {"v"});
    out.row(new Object[] {value});
    out.statementEnd(META);
  }

  private static QueryOutput output(Client client) {
    DatabaseRecord db =
        new DatabaseRecord(
            DatabaseId.random(),
            new AccountId("00000000000000000000000000000001"),
            "db",
            Instant.ofEpochMilli(1_700_000_000_000L),
            Optional.empty(),
            Optional.empty(),
            Region.WNAM,
            "disabled");
    return new QueryOutput(
        client,
        false,
        db,
        new Unused(),
        new Unused(),
        null,
        () -> new Bookmark(7, new byte[16]),
        Optional.empty());
  }

  /** The client's side of one request: the answer's length and body, and its flushes. */
  private static final class Client implements QueryCall {
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    long length = -2;
    int flushesBeforeEnd;
    boolean ended;

    private final OutputStream output =
        new OutputStream() {
          @Override
          public void write(int b) {
            body.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            body.write(b, off, len);
          }

          @Override
          public void flush() {
            if (!ended) {
              flushesBeforeEnd++;
            }
          }
        };

    JsonNode answer() throws Exception {
      assertThat(ended).isTrue();
      return Json.MAPPER.readTree(body.toByteArray());
    }

    @Override
    public String database() {
      return "db";
    }

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
      return null;
    }

    @Override
    public long startBy(long otherwise) {
      return otherwise;
    }

    @Override
    public long contentLength() {
      return 0;
    }

    @Override
    public InputStream body() {
      return InputStream.nullInputStream();
    }

    @Override
    public void startAnswer(String bookmark, long length) {
      assertThat(body.size()).isZero();
      this.length = length;
    }

    @Override
    public OutputStream output() {
      return output;
    }

    @Override
    public void endAnswer() {
      ended = true;
    }

    @Override
    public void abort(Throwable why) {
      throw new AssertionError("aborted", why);
    }
  }

  /** The held buffer and the pipe, which an answer that never commits does not touch. */
  private static final class Unused implements HeldBytes, BytePipe {
    @Override
    public OutputStream output() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public long size() {
      return 0;
    }

    @Override
    public void copyTo(OutputStream out) {
      throw new AssertionError("the held buffer is not used");
    }

    @Override
    public void clear() {}

    @Override
    public void deadline(long nanoTime) {}

    @Override
    public void end() {
      throw new AssertionError("the pipe is not used");
    }

    @Override
    public void drainTo(OutputStream out) {
      throw new AssertionError("the pipe is not used");
    }

    @Override
    public void abort(Throwable why) {}

    @Override
    public void close() {}
  }
}
