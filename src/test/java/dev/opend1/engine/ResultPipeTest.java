package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipe between a streamed read and its client: every byte arrives in order whatever the
 * reader's speed, the writer never waits while memory or spill space is left, spill files go as
 * soon as they are sent, and a stalled reader costs the writer no more than its deadline.
 */
class ResultPipeTest {

  @TempDir Path dir;

  private SpillSpace space(long perRequest, long total) {
    return new SpillSpace(dir.resolve("tmp"), perRequest, total);
  }

  private long spillFiles() throws IOException {
    if (!Files.exists(dir.resolve("tmp"))) {
      return 0;
    }
    try (var files = Files.list(dir.resolve("tmp"))) {
      return files.count();
    }
  }

  /** Sends the pipe's chunks to {@code client} on another thread, as the connection's does. */
  private static CompletableFuture<Void> drain(ResultPipe pipe, OutputStream client) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            pipe.drainTo(client);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** An output stream that takes its time, like a client on a slow link. */
  private static final class SlowClient extends OutputStream {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      got.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      got.write(b, off, len);
    }
  }

  @Test
  void everyByteArrivesInOrderThroughMemoryAndSpillFiles() throws Exception {
    SpillSpace space = space(1L << 30, 1L << 30);
    byte[] data = new byte[20 * 1024 * 1024 + 12345];
    new Random(7).nextBytes(data);
    // A reader is never keeping up here: every chunk past memory spills.
    try (ResultPipe pipe = new ResultPipe(space, 0)) {
      SlowClient client = new SlowClient();
      CompletableFuture<Void> reader = drain(pipe, client);
      Random sizes = new Random(11);
      for (int at = 0; at < data.length; ) {
        int n = Math.min(data.length - at, 1 + sizes.nextInt(100_000));
        pipe.write(data, at, n);
        at += n;
      }
      // The writer got ahead of the slow reader, so the rest waits on disk.
      assertThat(space.used()).isPositive();
      pipe.end();
      reader.get(60, TimeUnit.SECONDS);
      assertThat(client.got.toByteArray()).isEqualTo(data);
      assertThat(pipe.reservedBytes()).isZero();
    }
    assertThat(space.used()).isZero();
    assertThat(spillFiles()).isZero();
  }

  @Test
  void aReaderThatKeepsUpGetsEveryByteWithoutSpillingInRecycledChunks() throws Exception {
    SpillSpace space = space(1L << 30, 1L << 30);
    byte[] data = new byte[20 * 1024 * 1024 + 12345];
    new Random(8).nextBytes(data);
    // Any reader keeps up for a minute after each chunk (the slow client takes a millisecond).
    try (ResultPipe pipe = new ResultPipe(space, TimeUnit.MINUTES.toNanos(1))) {
      SlowClient client = new SlowClient();
      CompletableFuture<Void> reader = drain(pipe, client);
      long spilled = 0;
      for (int at = 0; at < data.length; ) {
        int n = Math.min(data.length - at, 50_000);
        pipe.write(data, at, n);
        at += n;
        spilled = Math.max(spilled, pipe.reservedBytes());
      }
      pipe.end();
      reader.get(60, TimeUnit.SECONDS);
      assertThat(client.got.toByteArray()).isEqualTo(data);
      assertThat(spilled).as("disk reserved while writing").isZero();
      // The chunks in memory, the one being sent and the one being filled: no more are made,
      // however long the result (20 MB would otherwise be 321 of them).
      assertThat(pipe.chunksMade())
          .as("chunks made")
          .isLessThanOrEqualTo(ResultPipe.MEMORY_BYTES / ResultPipe.CHUNK_BYTES + 2);
    }
    assertThat(space.used()).isZero();
    assertThat(spillFiles()).isZero();
  }

  /** A client whose writes wait, while {@link #hold} is set, until {@link #release} opens. */
  private static final class HeldClient extends OutputStream {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    volatile boolean hold;
    volatile CountDownLatch release = new CountDownLatch(1);
    final java.util.concurrent.Semaphore held = new java.util.concurrent.Semaphore(0);

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (hold) {
        held.release();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (got) {
        got.write(b, off, len);
      }
    }

    int size() {
      synchronized (got) {
        return got.size();
      }
    }
  }

  /**
   * The writer fills memory while the reader is held in the middle of sending a chunk, so every
   * chunk there can be is made (four queued, the one being sent, the writer's); the reader then
   * empties the queue while the writer waits, and hands every chunk it sent back. Before, the free
   * list kept only four of the five, so each such cycle made one more chunk.
   */
  @Test
  void aReaderThatEmptiesTheQueueWhileTheWriterWaitsHandsEveryChunkBack() throws Exception {
    SpillSpace space = space(1L << 30, 1L << 30);
    int inMemory = ResultPipe.MEMORY_BYTES / ResultPipe.CHUNK_BYTES;
    byte[] chunk = new byte[ResultPipe.CHUNK_BYTES];
    try (ResultPipe pipe = new ResultPipe(space, TimeUnit.MINUTES.toNanos(1))) {
      HeldClient client = new HeldClient();
      client.hold = true;
      CompletableFuture<Void> reader = drain(pipe, client);
      int sent = 0;
      for (int cycle = 0; cycle < 3; cycle++) {
        for (int i = 0; i < inMemory; i++) {
          pipe.write(chunk);
        }
        // The reader takes the first and is held sending it; one more fits in memory.
        assertThat(client.held.tryAcquire(60, TimeUnit.SECONDS)).isTrue();
        pipe.write(chunk);
        client.hold = false;
        client.release.countDown();
        sent += inMemory + 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pipe.freeChunks() < inMemory + 1 && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        assertThat(client.size()).isEqualTo(sent * ResultPipe.CHUNK_BYTES);
        assertThat(pipe.freeChunks()).as("chunks handed back").isEqualTo(inMemory + 1);
        assertThat(pipe.chunksMade()).as("chunks made").isEqualTo(inMemory + 2);
        client.release = new CountDownLatch(1);
        client.hold = true;
      }
      client.hold = false;
      client.release.countDown();
      pipe.end();
      reader.get(60, TimeUnit.SECONDS);
    }
    assertThat(space.used()).isZero();
    assertThat(spillFiles()).isZero();
  }

  @Test
  void aStalledReaderCostsTheWriterNoMoreThanItsDeadline() throws Exception {
    SpillSpace space = space(ResultPipe.SEGMENT_BYTES, 1L << 30);
    try (ResultPipe pipe = new ResultPipe(space)) {
      pipe.deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500));
      byte[] chunk = new byte[ResultPipe.CHUNK_BYTES];
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> {
                // Memory, then one segment of spill (the request's bound), then a wait that ends.
                for (int i = 0; i < 1000; i++) {
                  pipe.write(chunk);
                }
              })
          .isInstanceOf(D1Exception.SqlFailed.class)
          .hasMessageContaining("time limit");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(tookMs).isBetween(400L, 5_000L);
      assertThat(space.used()).isEqualTo(ResultPipe.SEGMENT_BYTES);
    }
    assertThat(space.used()).isZero();
    assertThat(spillFiles()).isZero();
  }

  @Test
  void aReaderThatFailsStopsTheWriterAndEveryFileGoes() throws Exception {
    SpillSpace space = space(1L << 30, 1L << 30);
    try (ResultPipe pipe = new ResultPipe(space)) {
      byte[] chunk = new byte[ResultPipe.CHUNK_BYTES];
      for (int i = 0; i < 200; i++) {
        pipe.write(chunk); // 12.5 MiB: into spill files, nobody reads yet
      }
      assertThat(spillFiles()).isPositive();
      OutputStream gone =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              throw new IOException("Broken pipe");
            }
          };
      assertThatThrownBy(() -> pipe.drainTo(gone)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> pipe.write(chunk)).isInstanceOf(IOException.class);
    }
    assertThat(space.used()).isZero();
    assertThat(spillFiles()).isZero();
  }

  @Test
  void withNoSpillSpaceLeftTheWriterWaitsForTheReaderInstead() throws Exception {
    SpillSpace space = space(1L << 30, 0);
    byte[] data = new byte[3 * 1024 * 1024];
    new Random(3).nextBytes(data);
    try (ResultPipe pipe = new ResultPipe(space)) {
      pipe.deadline(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
      SlowClient client = new SlowClient();
      CompletableFuture<Void> reader = drain(pipe, client);
      pipe.write(data);
      pipe.end();
      reader.get(60, TimeUnit.SECONDS);
      assertThat(client.got.toByteArray()).isEqualTo(data);
    }
    assertThat(spillFiles()).isZero();
  }
}
