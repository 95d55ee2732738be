package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.testing.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL that stops answering without closing anything (every process of it stopped with
 * SIGSTOP: a partition or a hung machine looks the same from the node): a statement it was running
 * then, and one asked for meanwhile, each end in the retryable {@link
 * D1Exception.CatalogUnreachable} once the pool's wait is over, rather than waiting until
 * PostgreSQL answers again; and the catalog works again, on the same pool, once it does.
 */
class PostgresFrozenTest {

  /**
   * Well past the pool's wait ({@link PostgresStore#WAIT}) for each of a statement's steps: a
   * statement still waiting by then would have waited for as long as PostgreSQL stayed frozen.
   */
  private static final long PATIENCE_SECONDS = 3 * PostgresStore.WAIT.toSeconds() + 15;

  private static Postgres pg;

  /** Threads of the lookups' own: the common pool may have one, which a waiting lookup holds. */
  private final ExecutorService requests = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() throws Exception {
    pg = Postgres.start();
    pg.createDatabase("frozen");
  }

  @AfterEach
  void stopRequests() {
    requests.shutdownNow();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aFrozenPostgresIsUnreachableAfterThePoolsWaitAndServesAgainWhenItGoesOn() throws Exception {
    try (PostgresCatalog catalog =
            PostgresCatalog.open(pg.jdbcUrl("frozen"), Postgres.USER, Postgres.PASSWORD);
        Connection watcher =
            DriverManager.getConnection(pg.jdbcUrl("frozen"), Postgres.USER, Postgres.PASSWORD)) {
      catalog.accounts().create("before");
      // A statement PostgreSQL is running when it freezes (a renewal, a lookup), and a lookup that
      // starts while it is frozen.
      CompletableFuture<?> inFlight =
          CompletableFuture.runAsync(
              () -> catalog.store().queryAll("SELECT pg_sleep(5)", ps -> {}, rs -> 1), requests);
      awaitRunning(watcher, "SELECT pg_sleep(5)");
      pg.freeze();
      try {
        CompletableFuture<?> later =
            CompletableFuture.runAsync(() -> catalog.accounts().list(), requests);
        for (CompletableFuture<?> lookup : List.of(inFlight, later)) {
          assertThatThrownBy(() -> answered(lookup))
              .isInstanceOf(ExecutionException.class)
              .cause()
              .isInstanceOf(D1Exception.CatalogUnreachable.class);
        }
      } finally {
        pg.thaw();
      }
      assertThat(catalog.accounts().list()).extracting(Account::name).contains("before");
    }
  }

  /** Waits until PostgreSQL runs {@code sql} for another session. */
  private static void awaitRunning(Connection watcher, String sql) throws Exception {
    try (PreparedStatement ps =
        watcher.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = ?")) {
      ps.setString(1, sql);
      for (int i = 0; i < 600; i++) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        Thread.sleep(10);
      }
    }
    throw new AssertionError("PostgreSQL never ran " + sql);
  }

  /**
   * The lookup's end; a lookup still waiting after {@link #PATIENCE_SECONDS} waits on PostgreSQL.
   */
  private static void answered(CompletableFuture<?> lookup) throws Exception {
    try {
      lookup.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "a catalog lookup was still waiting for the frozen PostgreSQL after "
              + PATIENCE_SECONDS
              + " s",
          e);
    }
  }
}
