package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.api.HttpStatuses;
import dev.opend1.core.D1Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A held result spills within its request's bound and the server's, and its file always goes. */
class SpillBufferTest {

  @TempDir Path dir;

  private long files() throws IOException {
    if (!Files.exists(dir.resolve("tmp"))) {
      return 0;
    }
    try (var f = Files.list(dir.resolve("tmp"))) {
      return f.count();
    }
  }

  @Test
  void aResultPastTheRequestsBoundIsRefusedAndItsFileGoes() throws Exception {
    SpillSpace space = new SpillSpace(dir.resolve("tmp"), 5_000_000, 1L << 30);
    byte[] block = new byte[1024 * 1024];
    try (SpillBuffer b = new SpillBuffer(space, 1024)) {
      for (int i = 0; i < 4; i++) {
        b.write(block);
      }
      assertThat(files()).isOne();
      assertThatThrownBy(() -> b.write(block))
          .isInstanceOf(D1Exception.ResultTooLarge.class)
          .hasMessageContaining("5000000 bytes");
    }
    assertThat(files()).isZero();
    assertThat(space.used()).isZero();
  }

  @Test
  void aResultPastTheServersBoundIsRefusedAsBusy() throws Exception {
    SpillSpace space = new SpillSpace(dir.resolve("tmp"), 1L << 30, 3_000_000);
    try (SpillBuffer first = new SpillBuffer(space, 1024);
        SpillBuffer second = new SpillBuffer(space, 1024)) {
      first.write(new byte[2_500_000]);
      assertThatThrownBy(() -> second.write(new byte[2_000_000]))
          .isInstanceOf(D1Exception.SpillSpaceBusy.class)
          .satisfies(e -> assertThat(HttpStatuses.of((D1Exception) e)).isEqualTo(503));
    }
    assertThat(space.used()).isZero();
  }

  @Test
  void whatWasHeldComesBackWhole() throws Exception {
    SpillSpace space = new SpillSpace(dir.resolve("tmp"), 1L << 30, 1L << 30);
    byte[] data = new byte[3_000_000];
    new java.util.Random(5).nextBytes(data);
    try (SpillBuffer b = new SpillBuffer(space, 64 * 1024)) {
      b.write(data, 0, 1000);
      b.write(data, 1000, data.length - 1000);
      b.flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      b.copyTo(out);
      assertThat(out.toByteArray()).isEqualTo(data);
      assertThat(b.size()).isEqualTo(data.length);
    }
    assertThat(files()).isZero();
  }

  @Test
  void aBufferNeverWrittenHoldsNothingAndOneClearedStartsOver() throws Exception {
    SpillSpace space = new SpillSpace(dir.resolve("tmp"), 1L << 30, 1L << 30);
    try (SpillBuffer b = new SpillBuffer(space, 1024)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      b.copyTo(out);
      assertThat(out.size()).isZero();
      assertThat(b.size()).isZero();
      // Past the memory bound, so the first bytes go to a file; clearing drops it.
      b.write(new byte[4096]);
      assertThat(files()).isOne();
      b.clear();
      assertThat(files()).isZero();
      b.write(new byte[] {1, 2, 3});
      out.reset();
      b.copyTo(out);
      assertThat(out.toByteArray()).containsExactly(1, 2, 3);
      assertThat(b.size()).isEqualTo(3);
    }
    assertThat(space.used()).isZero();
  }
}
