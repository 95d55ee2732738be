package dev.opend1;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules of architecture.md section 2, checked on the compiled classes. */
class ArchitectureTest {

  private static final String ROOT = "dev.opend1";
  private static final List<String> LAYERS =
      List.of(
          "api", "catalog", "sql", "engine", "history", "transfer", "config", "core", "cluster");

  /** Which of opend1's packages each package may use (besides itself). */
  private static final Map<String, List<String>> ALLOWED =
      Map.of(
          "api", List.of("catalog", "engine", "history", "transfer", "sql", "config", "core"),
          "transfer", List.of("catalog", "engine", "sql", "core"),
          "history", List.of("engine", "core"),
          "engine", List.of("sql", "core"),
          "catalog", List.of("core"),
          "config", List.of("core"),
          "sql", List.of("core"),
          "core", List.of(),
          "cluster", List.of("catalog", "engine", "history", "core"));

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void packagesDependOnlyOnWhatTheDesignAllows() {
    for (String layer : LAYERS) {
      String[] forbidden =
          LAYERS.stream()
              .filter(other -> !other.equals(layer) && !ALLOWED.get(layer).contains(other))
              .map(other -> ROOT + "." + other + "..")
              .toArray(String[]::new);
      String[] forbiddenWithRoot =
          Stream.concat(Stream.of(forbidden), Stream.of(ROOT)).toArray(String[]::new);
      ArchRule rule =
          noClasses()
              .that()
              .resideInAPackage(ROOT + "." + layer + "..")
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(forbiddenWithRoot)
              .allowEmptyShould(true)
              .because("architecture.md: " + layer + " may use only " + ALLOWED.get(layer));
      rule.check(classes);
    }
  }

  @Test
  void onlyTheStorageLayersTouchSqlite() {
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + ".api..", ROOT + ".sql..", ROOT + ".config..", ROOT + ".core..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.sqlite..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".sql..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "com.fasterxml..")
        .because("sql/ is pure text handling")
        .check(classes);
  }

  @Test
  void onlyTheEdgeTouchesHttp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            ROOT + ".catalog..",
            ROOT + ".sql..",
            ROOT + ".engine..",
            ROOT + ".history..",
            ROOT + ".transfer..",
            ROOT + ".config..",
            ROOT + ".core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..")
        .check(classes);
  }

  @Test
  void coreDependsOnTheJdkOnly() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".core..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("java..", ROOT + ".core..")
        .check(classes);
  }
}
