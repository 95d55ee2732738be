package dev.opend1.analytics;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The analytics of a single server: the {@link AnalyticsStoreContractTest} on a SQLite file. */
class SqliteAnalyticsStoreTest extends AnalyticsStoreContractTest {

  @TempDir Path dir;

  @Override
  AnalyticsStore openEmpty() {
    return reopen();
  }

  @Override
  AnalyticsStore reopen() {
    return SqliteAnalyticsStore.open(dir.resolve("analytics.sqlite"));
  }
}
