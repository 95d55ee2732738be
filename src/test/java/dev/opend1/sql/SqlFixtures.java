package dev.opend1.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Test fixtures under {@code src/test/resources/sql/split/<case>/}: {@code input.sql}, a real
 * client's text; {@code expected.txt}, the statements it splits into, separated by lines of {@code
 * ====}; {@code kinds.txt}, the {@link StatementKind} of each, one per line.
 */
final class SqlFixtures {

  /** The cases, by folder name. */
  static final List<String> SPLIT_CASES =
      List.of("sqlite-dump", "wrangler-migration", "drizzle-migration", "prisma-migration");

  record Case(String name, String input, List<String> statements, List<StatementKind> kinds) {}

  private SqlFixtures() {}

  static List<Case> splitCases() {
    return SPLIT_CASES.stream()
        .map(
            name -> {
              String dir = "/sql/split/" + name + "/";
              return new Case(
                  name,
                  read(dir + "input.sql"),
                  Arrays.stream(read(dir + "expected.txt").strip().split("\n====\n")).toList(),
                  read(dir + "kinds.txt").lines().map(StatementKind::valueOf).toList());
            })
        .toList();
  }

  private static String read(String resource) {
    try (InputStream in = SqlFixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test fixture " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + resource, e);
    }
  }
}
