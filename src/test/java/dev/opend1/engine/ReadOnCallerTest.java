package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.testing.HoldingSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read request runs on its caller's thread, holding one of its database's read connections for
 * its duration; a write still runs on the database's writer. With every read connection busy, a
 * read waits a short while and is then refused as overloaded.
 */
class ReadOnCallerTest {

  @TempDir Path dir;
  Engine engine;
  DatabaseId id = DatabaseId.random();

  @BeforeEach
  void start() {
    engine = new Engine(dir);
    engine.recover();
    engine.createDatabase(id, new byte[0]);
    engine.execute(
        id, sql("CREATE TABLE t(a); INSERT INTO t VALUES (1)"), false, new HoldingSink());
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  private static List<QueryInput> sql(String text) {
    return List.of(new QueryInput(text, List.of()));
  }

  @Test
  void aReadRunsOnTheCallingThreadAndAWriteOnTheWriter() {
    HoldingSink read = new HoldingSink();
    engine.execute(id, sql("SELECT a FROM t"), false, read);
    assertThat(read.rowThreads).containsExactly(Thread.currentThread());

    HoldingSink write = new HoldingSink();
    engine.execute(id, sql("INSERT INTO t VALUES (2) RETURNING a"), false, write);
    assertThat(write.rowThreads).hasSize(1).doesNotContain(Thread.currentThread());
  }

  /** Runs a read on a thread of its own; completes when the read is answered. */
  private CompletableFuture<Void> readOnAThread(HoldingSink sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                engine.execute(id, sql("SELECT a FROM t"), false, sink);
                done.complete(null);
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            });
    return done;
  }

  @Test
  @Timeout(60) // a read refused too late, or never, would hang here
  void readsWaitForABusyConnectionUpToABoundThenAreRefusedAsOverloaded() throws Exception {
    // Every read connection (4) held by a read whose row has not been taken yet.
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HoldingSink s = new HoldingSink();
      s.go = go;
      reads.add(readOnAThread(s));
      assertThat(s.inRow.await(30, TimeUnit.SECONDS)).isTrue();
    }
    // As many reads as may wait (DatabaseHandle.MAX_WAITING_READS) wait; one more is refused.
    List<HoldingSink> waiting = new ArrayList<>();
    for (int i = 0; i < DatabaseHandle.MAX_WAITING_READS; i++) {
      HoldingSink s = new HoldingSink();
      waiting.add(s);
      reads.add(readOnAThread(s));
    }
    while (engine.counters().waitingReads() < DatabaseHandle.MAX_WAITING_READS) {
      Thread.sleep(10);
    }
    long before = engine.counters().busyReaders();
    assertThatThrownBy(() -> engine.execute(id, sql("SELECT a FROM t"), false, new HoldingSink()))
        .isInstanceOf(D1Exception.Overloaded.class);
    assertThat(engine.counters().busyReaders()).isEqualTo(before + 1);

    // Once the connections are free again, every waiting read is answered.
    go.countDown();
    for (CompletableFuture<Void> r : reads) {
      r.get(30, TimeUnit.SECONDS);
    }
    for (HoldingSink s : waiting) {
      assertThat(s.rowThreads).hasSize(1);
    }
    assertThat(engine.counters().waitingReads()).isZero();
  }
}
