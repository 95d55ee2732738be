package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README stays a front door: short, with the quick start first, and in it the two commands
 * people and CI rely on (CI runs exactly the README's test command, {@code .ci/run}).
 */
class ReadmeTest {

  /** Past this the README is turning into a manual again; the rest belongs in docs/. */
  static final int MAX_BYTES = 12_000;

  @Test
  void theReadmeIsShortWithTheQuickStartFirst() throws Exception {
    byte[] readme = Files.readAllBytes(Path.of("README.md"));
    assertThat(readme.length).as("README.md bytes").isLessThan(MAX_BYTES);
    List<String> sections =
        Files.readAllLines(Path.of("README.md")).stream().filter(l -> l.startsWith("## ")).toList();
    assertThat(sections).first().isEqualTo("## Quick start");
  }

  @Test
  void theQuickStartHoldsTheStartAndTestCommandsThatCiRuns() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String quickStart = readme.substring(readme.indexOf("## Quick start"));
    quickStart = quickStart.substring(0, quickStart.indexOf("\n## ", 1));
    assertThat(quickStart).containsPattern("(?m)^\\./opend1 serve\\b");
    assertThat(quickStart).containsPattern("(?m)^\\./run-tests\\b");
    assertThat(Files.readString(Path.of(".ci/run"))).containsPattern("(?m)^exec \\./run-tests$");
  }
}
