package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * e2e/README.md says which console test writes which of the docs' screenshots, and its command
 * rewrites them all: every screenshot a test takes for the docs is named under that test's file,
 * each of those files is in the command, and every picture in docs/console/ is one of them.
 */
class ScreenshotsDocsTest {

  /** A screenshot the docs show: {@code shot(page, "name", { forDocs: true ...}}. */
  private static final Pattern FOR_DOCS =
      Pattern.compile("shot\\((?:[a-z]+, )?\"([a-z-]+)\", \\{ for(?:Docs|Readme): true");

  /** The command that rewrites the docs' screenshots. */
  private static final Pattern COMMAND =
      Pattern.compile("`CONSOLE_SCREENSHOTS=docs/console E2E_TESTS=\"([^\"]+)\" e2e/run`");

  @Test
  void theReadmeNamesEveryDocsScreenshotUnderTheTestThatWritesIt() throws IOException {
    Map<String, Set<String>> byTest = new TreeMap<>();
    try (Stream<Path> tests = Files.list(Path.of("e2e/tests"))) {
      for (Path t : tests.filter(p -> p.toString().endsWith(".test.mjs")).toList()) {
        Matcher m = FOR_DOCS.matcher(Files.readString(t));
        while (m.find()) {
          byTest.computeIfAbsent("tests/" + t.getFileName(), k -> new TreeSet<>()).add(m.group(1));
        }
      }
    }
    assertThat(byTest).as("screenshots taken for the docs").hasSizeGreaterThanOrEqualTo(4);

    String readme = Files.readString(Path.of("e2e/README.md"));
    Set<String> taken = new TreeSet<>();
    for (Map.Entry<String, Set<String>> e : byTest.entrySet()) {
      int at = readme.indexOf("- `" + e.getKey() + "`: ");
      assertThat(at).as(e.getKey() + " has its own item").isNotNegative();
      int end = readme.indexOf("\n- ", at + 1);
      String item = readme.substring(at, end < 0 ? readme.length() : end);
      for (String name : e.getValue()) {
        assertThat(item).as(e.getKey()).contains("`" + name + ".png`");
      }
      taken.addAll(e.getValue());
    }
    Matcher command = COMMAND.matcher(readme);
    assertThat(command.find()).as("e2e/README.md's command").isTrue();
    assertThat(command.group(1).split(" ")).containsExactlyInAnyOrderElementsOf(byTest.keySet());

    Set<String> pictures = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("docs/console"))) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".png"))
          .forEach(n -> pictures.add(n.substring(0, n.length() - ".png".length())));
    }
    assertThat(taken).isEqualTo(pictures);
  }
}
