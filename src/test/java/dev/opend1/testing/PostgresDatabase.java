package dev.opend1.testing;

import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL database for one test class, on the run's one {@link Postgres} server (started
 * on first use, stopped and removed when the test run ends). Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();}</pre>
 *
 * <p>The database is created before the class's first test and dropped after its last; {@link
 * #fresh} makes more for tests that need an empty one each.
 */
public final class PostgresDatabase implements BeforeAllCallback, AfterAllCallback {

  private Postgres server;
  private String name;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = shared(context);
    name = fresh();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.dropDatabase(name);
  }

  /** The run's one server, started by the first class that asks for it. */
  private static Postgres shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            Postgres.class,
            k -> {
              try {
                return Postgres.start();
              } catch (Exception e) {
                throw new IllegalStateException("start PostgreSQL: " + e.getMessage(), e);
              }
            },
            Postgres.class);
  }

  /** Creates another empty database on the same server; returns its name. */
  public String fresh() {
    String db = "t_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    server.createDatabase(db);
    return db;
  }

  public Postgres server() {
    return server;
  }

  /** The class's database. */
  public String name() {
    return name;
  }

  public String jdbcUrl() {
    return server.jdbcUrl(name);
  }

  /** {@code postgresql://USER@127.0.0.1:PORT/NAME}, as {@code --catalog} takes it. */
  public String catalogUrl() {
    return server.catalogUrl(name);
  }
}
