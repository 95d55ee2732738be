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
          "service",
          "catalog",
          "sql",
          "engine",
          "history",
          "transfer",
          "config",
          "core",
          "cluster",
          "analytics",
          "objectstore");

  /** Which of opend1's packages each package may use (besides itself). */
  private static final Map<String, List<String>> ALLOWED =
      Map.ofEntries(
          Map.entry(
              "api",
              List.of("catalog", "engine", "transfer", "sql", "config", "core", "analytics")),
          Map.entry(
              "service",
              List.of(
                  "api",
                  "catalog",
                  "engine",
                  "history",
                  "transfer",
                  "sql",
                  "config",
                  "core",
                  "analytics",
                  "cluster")),
          Map.entry("transfer", List.of("catalog", "engine", "sql", "core")),
          Map.entry("history", List.of("engine", "core")),
          Map.entry("engine", List.of("sql", "core")),
          Map.entry("catalog", List.of("core")),
          Map.entry("config", List.of("core")),
          Map.entry("sql", List.of("core")),
          Map.entry("core", List.of()),
          Map.entry("cluster", List.of("catalog", "engine", "history", "core")),
          // catalog: PostgresFailures, for the analytics kept in the catalog's PostgreSQL.
          Map.entry("analytics", List.of("sql", "core", "catalog")),
          Map.entry("objectstore", List.of("history", "catalog", "config", "core")));

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
            ROOT + ".service..",
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
  void theEdgeUsesOnlyInterfacesAndRecordsOfTheLayersBelow() {
    edgeUsesOnlyContracts(ROOT).check(classes);
  }

  @Test
  void theServicesUseOnlyTheEdgesInterfacesAndRecords() {
    onlyContractsOf(ROOT, "service", List.of("api"))
        .because("the services implement what api declares; they never drive the HTTP server")
        .check(classes);
  }

  /**
   * {@code api} depends on interfaces, not on the classes that do the work: from {@code engine},
   * {@code history}, {@code transfer} and {@code catalog} it may use interfaces, records and enums
   * (the contracts and the data that cross the seam: {@code ResultSink}, {@code DatabaseRecord},
   * {@code Tokens}), never a class such as {@code Engine}, {@code TimeTravel}, {@code Transfers} or
   * {@code SqliteCatalog}. Its route groups call the interfaces it declares ({@code
   * DatabaseService}, {@code QueryService}, ...), implemented in {@code service}.
   */
  static ArchRule edgeUsesOnlyContracts(String root) {
    return onlyContractsOf(root, "api", List.of("engine", "history", "transfer", "catalog"))
        .because("api depends on interfaces, not on engine classes (style.md, habit 2)");
  }

  /** Classes of {@code layer} use of {@code others} only their interfaces, records and enums. */
  static ArchRule onlyContractsOf(String root, String layer, List<String> others) {
    String[] packages = others.stream().map(p -> root + "." + p + "..").toArray(String[]::new);
    DescribedPredicate<JavaClass> workingClasses =
        JavaClass.Predicates.resideInAnyPackage(packages)
            .and(
                DescribedPredicate.describe(
                    "are neither interfaces, records nor enums",
                    c -> !c.isInterface() && !c.isRecord() && !c.isEnum()));
    return noClasses()
        .that()
        .resideInAPackage(root + "." + layer + "..")
        .should()
        .dependOnClassesThat(workingClasses);
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
   * No {@code java.sql} or {@code org.sqlite} outside {@code engine}, {@code catalog}, {@code
   * analytics} and {@code cluster}: every database file is opened by the engine (the catalog and
   * the analytics keep their own SQLite files; the cluster's leases are in the shared PostgreSQL).
   */
  static ArchRule sqliteOnlyInStorage(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackages(
            packages(root, List.of("engine", "catalog", "analytics", "cluster")))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "org.sqlite..")
        .because(
            "only the engine, the catalog, the analytics and the cluster (PostgreSQL) use JDBC");
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
    return allowed.stream().map(p -> root + "." + p + "..").toArray(String[]::new);
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
