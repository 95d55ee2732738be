package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.sql.DumpStatement;
import dev.opend1.sql.StatementStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A dump read ahead on another thread gives what reading it in place gives, in the same order. */
class DumpReadAheadTest {

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** Many batches' worth of statements, of every kind a dump holds, with non-ASCII text. */
  private static String dump(int rows) {
    StringBuilder sql = new StringBuilder("PRAGMA defer_foreign_keys=TRUE;\n");
    sql.append("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);\n");
    for (int i = 0; i < rows; i++) {
      sql.append("INSERT INTO \"t\" (\"id\",\"v\") VALUES(")
          .append(i)
          .append(",'é;")
          .append("x".repeat(i % 5000))
          .append("');\n");
      if (i % 1000 == 0) {
        sql.append("CREATE INDEX i").append(i).append(" ON t(v); -- a comment\n");
      }
    }
    return sql.toString();
  }

  private static List<String> inPlace(String sql) throws IOException {
    StatementStream s =
        new StatementStream(
            new InputStreamReader(
                new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8),
            ImportJobs.IMPORT_STATEMENT_BYTES);
    List<String> texts = new ArrayList<>();
    for (DumpStatement d; (d = s.next()) != null; ) {
      texts.add(d.statement().text() + " | " + d.shape());
    }
    return texts;
  }

  private static List<String> all(DumpReadAhead ahead) throws IOException {
    List<String> texts = new ArrayList<>();
    for (DumpStatement d; (d = ahead.next()) != null; ) {
      texts.add(d.statement().text() + " | " + d.shape());
    }
    assertThat(ahead.next()).isNull();
    return texts;
  }

  @Test
  void statementsComeInTheFileOrderWithTheirShapes() throws IOException {
    String sql = dump(3_000); // past BATCH_STATEMENTS and BATCH_CHARS many times
    try (DumpReadAhead ahead =
        new DumpReadAhead(
            new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)),
            ImportJobs.IMPORT_STATEMENT_BYTES,
            threads)) {
      assertThat(all(ahead)).isEqualTo(inPlace(sql)).hasSize(3_005);
    }
  }

  @Test
  void aReadFailureComesAfterTheStatementsBeforeIt() throws IOException {
    String sql = "SELECT 1; SELECT 2; SELECT '" + "x".repeat(200) + "'; SELECT 4";
    try (DumpReadAhead ahead =
        new DumpReadAhead(
            new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)), 100, threads)) {
      assertThat(ahead.next().statement().text()).isEqualTo("SELECT 1");
      assertThat(ahead.next().statement().text()).isEqualTo("SELECT 2");
      assertThatThrownBy(ahead::next)
          .isInstanceOf(StatementStream.TooLong.class)
          .hasMessage("statement 3 is longer than 100 characters");
      assertThat(ahead.next()).isNull();
    }
  }

  @Test
  void anIoErrorIsThrownToTheConsumer() throws IOException {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk gone");
          }
        };
    try (DumpReadAhead ahead = new DumpReadAhead(broken, 100, threads)) {
      assertThatThrownBy(ahead::next).isInstanceOf(IOException.class).hasMessage("disk gone");
    }
  }

  @Test
  void closingStopsAReaderThatIsAheadAndClosesTheFile() throws Exception {
    String sql = dump(8_000);
    AtomicLong read = new AtomicLong();
    CountDownLatch closed = new CountDownLatch(1);
    InputStream in =
        new FilterInputStream(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8))) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            read.addAndGet(Math.max(n, 0));
            return n;
          }

          @Override
          public void close() throws IOException {
            super.close();
            closed.countDown();
          }
        };
    DumpReadAhead ahead = new DumpReadAhead(in, ImportJobs.IMPORT_STATEMENT_BYTES, threads);
    assertThat(ahead.next().statement().text()).startsWith("PRAGMA");
    // The reader stops a bounded distance ahead: QUEUED batches and the one it is filling.
    long waited = System.nanoTime();
    long before;
    do {
      before = read.get();
      Thread.sleep(200);
    } while (read.get() != before && System.nanoTime() - waited < TimeUnit.SECONDS.toNanos(30));
    assertThat(read.get()).isLessThan(sql.length() / 2);
    ahead.close();
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @Timeout(60) // without the check it waits forever
  void aReaderStoppedBeforeTheEndEndsTheImportInsteadOfLeavingItWaiting() throws Exception {
    String sql = dump(8_000);
    AtomicReference<Thread> readerThread = new AtomicReference<>();
    ExecutorService one =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "reader");
              readerThread.set(t);
              return t;
            });
    try (DumpReadAhead ahead =
        new DumpReadAhead(
            new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)),
            ImportJobs.IMPORT_STATEMENT_BYTES,
            one)) {
      Thread.sleep(500); // the reader fills the queue and waits for room
      readerThread.get().interrupt(); // as a stopping server's shutdownNow does
      assertThatThrownBy(
              () -> {
                while (ahead.next() != null) {
                  // the batches handed before it stopped, then the failure
                }
              })
          .isInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("stopped before the end");
    } finally {
      one.shutdownNow();
    }
  }
}
