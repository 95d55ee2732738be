package dev.opend1.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.catalog.Catalog;
import dev.opend1.catalog.PostgresCatalog;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The analytics of nodes sharing a PostgreSQL catalog: the {@link AnalyticsStoreContractTest} in a
 * real PostgreSQL (a database of its own per test, its schema made by the catalog), and nodes
 * flushing the same minute at once.
 */
class PostgresAnalyticsStoreTest extends AnalyticsStoreContractTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private String database;
  private Catalog catalog;

  @Override
  AnalyticsStore openEmpty() {
    database = PG.fresh();
    catalog = PostgresCatalog.open(PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD);
    return reopen();
  }

  @Override
  AnalyticsStore reopen() {
    return new PostgresAnalyticsStore(catalog.sharedDatabase().orElseThrow());
  }

  @AfterEach
  void dropDatabase() {
    catalog.close();
    PG.server().dropDatabase(database);
  }

  @Test
  void nodesFlushingTheSameMinuteAtOnceAreSummed() throws Exception {
    int nodes = 6;
    List<Catalog> catalogs = new ArrayList<>();
    List<Thread> flushes = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    try {
      for (int n = 0; n < nodes; n++) {
        Catalog node =
            PostgresCatalog.open(PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD);
        catalogs.add(node);
        AnalyticsStore nodeStore = new PostgresAnalyticsStore(node.sharedDatabase().orElseThrow());
        flushes.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        go.await();
                      } catch (InterruptedException e) {
                        return;
                      }
                      nodeStore.add(
                          Map.of(new DatabaseMinute(ACCOUNT, "d1", 100), database(2, 1.0)),
                          Map.of(new QueryMinute(ACCOUNT, "d1", 100, "SELECT ?"), query(2, 1.0)));
                    }));
      }
      go.countDown();
      for (Thread t : flushes) {
        t.join();
      }
    } finally {
      catalogs.forEach(Catalog::close);
    }
    Collected c = read(0, 1000, Optional.empty());
    assertThat(c.database().readQueries).isEqualTo(2L * nodes);
    assertThat(c.database().batches).isEqualTo(nodes);
    assertThat(c.query("SELECT ?").count).isEqualTo(2L * nodes);
  }
}
