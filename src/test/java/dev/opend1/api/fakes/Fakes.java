package dev.opend1.api.fakes;

import dev.opend1.analytics.AnalyticsReader;
import dev.opend1.analytics.QueryRecorder;
import dev.opend1.api.RecoveryService;
import dev.opend1.api.Services;
import dev.opend1.core.D1Exception;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One fake of each service the HTTP edge calls, and the {@link Services} made of them. */
public final class Fakes {

  public final FakeAccounts accounts = new FakeAccounts();
  public final FakeTokens tokens = new FakeTokens();
  public final FakeDatabases databases = new FakeDatabases();
  public final FakeQueries queries = new FakeQueries();
  public final FakeTimeTravel timeTravel = new FakeTimeTravel();
  public final FakeTransfers transfers = new FakeTransfers();
  public final FakeStatus status = new FakeStatus();

  /** Answers every GraphQL query with empty data; keeps nothing to flush. */
  public final AnalyticsReader analytics =
      new AnalyticsReader() {
        @Override
        public Map<String, Object> graphql(
            dev.opend1.core.AccountId caller,
            String query,
            String operation,
            Map<String, Object> variables) {
          return Map.of();
        }

        @Override
        public void flushNow() {}
      };

  /** A server without an object store: every recovery is refused as the real one refuses it. */
  public final RecoveryService recovery =
      new RecoveryService() {
        @Override
        public Recovered recover(String id, Optional<Instant> at, Optional<String> name) {
          throw new D1Exception.InvalidRequest("this server has no object store (--object-store)");
        }

        @Override
        public String start(String id, Optional<Instant> at, Optional<String> name) {
          return recover(id, at, name).sourceId();
        }

        @Override
        public Job job(String id) {
          throw new D1Exception.DatabaseNotFound();
        }
      };

  /**
   * The fakes as the server takes them; {@code /metrics} shows only its own series, and query
   * requests are recorded nowhere.
   */
  public Services services() {
    return new Services(
        accounts,
        tokens,
        databases,
        queries,
        timeTravel,
        transfers,
        status,
        registry -> {},
        QueryRecorder.NONE,
        analytics,
        recovery,
        Optional.empty(),
        Optional.empty());
  }
}
