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

  /**
   * The simple names of the classes a rule reports: those a violation starts from (a detail names
   * its origin first, then what it uses, which may be a fixture class that keeps the rules).
   */
  private static List<String> violators(EvaluationResult result) {
    return fixture.stream()
        .map(c -> c.getName())
        .filter(
            name ->
                result.getFailureReport().getDetails().stream()
                    .map(ArchitectureRulesTest::origin)
                    .anyMatch(o -> o.equals(name) || o.startsWith(name + ".")))
        .map(name -> name.substring(name.lastIndexOf('.') + 1))
        .toList();
  }

  /** The first class or member a violation's detail names: where it was found. */
  private static String origin(String detail) {
    int start = detail.indexOf('<') + 1;
    int end = detail.indexOf('>', start);
    return start == 0 || end < 0 ? "" : detail.substring(start, end);
  }

  @Test
  void theSqliteRuleCatchesHistoryOpeningJdbc() {
    EvaluationResult result = ArchitectureTest.sqliteOnlyInStorage(FIXTURE).evaluate(fixture);
    assertThat(result.hasViolation()).isTrue();
    assertThat(violators(result)).containsExactly("OpensJdbc");
  }

  @Test
  void theEdgeRuleCatchesTheEdgeCallingAnEngineClass() {
    EvaluationResult result = ArchitectureTest.edgeUsesOnlyContracts(FIXTURE).evaluate(fixture);
    assertThat(result.hasViolation()).isTrue();
    assertThat(violators(result)).containsExactly("CallsTheEngine");
  }

  @Test
  void theThreadRuleCatchesHistoryMakingThreadsAndPools() {
    EvaluationResult result = ArchitectureTest.threadsOnlyInEngine(FIXTURE).evaluate(fixture);
    assertThat(result.hasViolation()).isTrue();
    assertThat(violators(result)).containsExactlyInAnyOrder("StartsThread", "MakesPool");
  }
}
