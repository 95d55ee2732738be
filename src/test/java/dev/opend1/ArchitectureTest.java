package dev.opend1;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules of architecture.md section 2, checked on the compiled classes. */
class ArchitectureTest {

  private static final String ROOT = "dev.opend1";
  private static final List<String> LAYERS =
      List.of(
          "api",
          "catalog",
          "sql",
          "engine",
          "history",
          "transfer",
          "config",
          "core",
          "cluster",
          "objectstore");

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
          "cluster", List.of("catalog", "engine", "history", "core"),
          "objectstore", List.of("history", "catalog", "config", "core"));

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
  void onlyTheEngineAndTheCatalogTalkToSqlite() {
    sqliteOnlyInStorage(ROOT).check(classes);
  }

  @Test
  void onlyTheEngineAndTheHttpServerStartThreads() {
    threadsOnlyInEngine(ROOT).check(classes);
  }

  /**
   * Packages the two rules below do not cover yet: {@code transfer} runs its SQL over JDBC and
   * starts its own job threads until issue 13's transfer split moves that work into the engine.
   */
  static final List<String> NOT_YET_COVERED = List.of("transfer");

  /**
   * No {@code java.sql} or {@code org.sqlite} outside {@code engine} and {@code catalog}: every
   * database file is opened by the engine (the catalog keeps its own SQLite file).
   */
  static ArchRule sqliteOnlyInStorage(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackages(packages(root, List.of("engine", "catalog")))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "org.sqlite..")
        .because("only the engine and the catalog open SQLite files");
  }

  /**
   * No thread or executor is made outside {@code engine} and the HTTP server ({@code api}); the
   * root package may make the JVM's shutdown hook. Using an executor handed in is fine.
   */
  static ArchRule threadsOnlyInEngine(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackages(packages(root, List.of("engine", "api")))
        .and()
        .resideOutsideOfPackage(root)
        .should()
        .callCodeUnitWhere(STARTS_THREADS)
        .because("only the engine starts threads for database work (style.md, habit 9)");
  }

  private static String[] packages(String root, List<String> allowed) {
    return Stream.concat(allowed.stream(), NOT_YET_COVERED.stream())
        .map(p -> root + "." + p + "..")
        .toArray(String[]::new);
  }

  /** A call that makes a thread, a thread builder, a timer or an executor. */
  static final DescribedPredicate<JavaCall<?>> STARTS_THREADS =
      new DescribedPredicate<>("make a thread or an executor") {
        @Override
        public boolean test(JavaCall<?> call) {
          JavaClass owner = call.getTargetOwner();
          if (call instanceof JavaConstructorCall) {
            return owner.isAssignableTo(Thread.class)
                || owner.isAssignableTo(ExecutorService.class)
                || owner.isAssignableTo(Timer.class);
          }
          return owner.isEquivalentTo(Executors.class)
              || (owner.isEquivalentTo(Thread.class)
                  && List.of("ofPlatform", "ofVirtual", "startVirtualThread")
                      .contains(call.getName()));
        }
      };

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
