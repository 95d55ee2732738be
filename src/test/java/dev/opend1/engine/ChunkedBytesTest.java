package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What is written comes back whole and in order, across chunks of every size. */
class ChunkedBytesTest {

  @Test
  void writesOfEverySizeComeBackWholeInOrder() throws Exception {
    byte[] data = new byte[5 * ChunkedBytes.MAX_CHUNK + 12_345];
    new Random(7).nextBytes(data);
    ChunkedBytes bytes = new ChunkedBytes();
    Random sizes = new Random(11);
    int at = 0;
    while (at < data.length) {
      // Mostly a few hundred bytes, as a statement's meta; now and then more than a chunk.
      int n =
          sizes.nextInt(10) == 0 ? sizes.nextInt(3 * ChunkedBytes.MAX_CHUNK) : sizes.nextInt(600);
      n = Math.min(n, data.length - at);
      bytes.write(data, at, n);
      at += n;
      assertThat(bytes.size()).isEqualTo(at);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bytes.writeTo(out);
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Test
  void nothingWrittenIsNothingHeld() throws Exception {
    ChunkedBytes bytes = new ChunkedBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bytes.writeTo(out);
    assertThat(out.size()).isZero();
    assertThat(bytes.size()).isZero();
  }
}
