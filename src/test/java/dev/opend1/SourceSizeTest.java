package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No main source file grows past {@value #LIMIT} lines: a file that long holds more than one
 * concept (style.md), and splitting it early is cheaper than splitting it late.
 */
class SourceSizeTest {

  static final int LIMIT = 500;

  @TempDir Path scratch;

  /** A file over the limit, and its length. */
  record Oversized(Path file, long lines) {}

  @Test
  void noMainSourceFileIsOverTheLimit() throws IOException {
    assertThat(oversized(Path.of("src/main/java"))).isEmpty();
  }

  @Test
  void theCheckCatchesALongFile() throws IOException {
    Files.writeString(scratch.resolve("Long.java"), "x\n".repeat(LIMIT + 1));
    Files.writeString(scratch.resolve("Short.java"), "x\n".repeat(LIMIT));
    assertThat(oversized(scratch))
        .containsExactly(new Oversized(scratch.resolve("Long.java"), LIMIT + 1));
  }

  /** Every Java file under {@code root} with more lines than the limit. */
  static List<Oversized> oversized(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .sorted()
          .map(f -> new Oversized(f, lines(f)))
          .filter(o -> o.lines() > LIMIT)
          .toList();
    }
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
