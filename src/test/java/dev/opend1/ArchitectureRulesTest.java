package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ArchitectureTest} catch what they are for: applied to the small class set in
 * {@code dev.opend1.archfixture}, laid out like opend1's packages, each reports exactly the classes
 * that break it.
 */
class ArchitectureRulesTest {

  private static final String FIXTURE = "dev.opend1.archfixture";
  private static JavaClasses fixture;

  @BeforeAll
  static void importFixture() {
    fixture = new ClassFileImporter().importPackages(FIXTURE);
  }

  /** The simple names of the classes a rule reports. */
  private static List<String> violators(EvaluationResult result) {
    return fixture.stream()
        .map(c -> c.getName())
        .filter(
            name ->
                result.getFailureReport().getDetails().stream()
                    .anyMatch(d -> d.contains("<" + name + ".") || d.contains("<" + name + ">")))
        .map(name -> name.substring(name.lastIndexOf('.') + 1))
        .toList();
  }

  @Test
  void theSqliteRuleCatchesHistoryOpeningJdbc() {
    EvaluationResult result = ArchitectureTest.sqliteOnlyInStorage(FIXTURE).evaluate(fixture);
    assertThat(result.hasViolation()).isTrue();
    assertThat(violators(result)).containsExactly("OpensJdbc");
  }

  @Test
  void theThreadRuleCatchesHistoryMakingThreadsAndPools() {
    EvaluationResult result = ArchitectureTest.threadsOnlyInEngine(FIXTURE).evaluate(fixture);
    assertThat(result.hasViolation()).isTrue();
    assertThat(violators(result)).containsExactlyInAnyOrder("StartsThread", "MakesPool");
  }
}
