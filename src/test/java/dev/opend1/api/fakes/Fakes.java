package dev.opend1.api.fakes;

import dev.opend1.analytics.AnalyticsReader;
import dev.opend1.analytics.QueryRecorder;
import dev.opend1.api.RecoveryService;
import dev.opend1.api.Services;
import dev.opend1.core.D1Exception;
import java.util.Map;

/** One fake of each service the HTTP edge calls, and the {@link Services} made of them. */
public final class Fakes {

  public final FakeAccounts accounts = new FakeAccounts();
  public final FakeTokens tokens = new FakeTokens();
  public final FakeDatabases databases = new FakeDatabases();
  public final FakeQueries queries = new FakeQueries();
  public final FakeTimeTravel timeTravel = new FakeTimeTravel();
  public final FakeTransfers transfers = new FakeTransfers();
  public final FakeStatus status = new FakeStatus();

  /** Answers every GraphQL query with empty data. */
  public final AnalyticsReader analytics = (caller, query, operation, variables) -> Map.of();

  /** A server without an object store: every recovery is refused as the real one refuses it. */
  public final RecoveryService recovery =
      (id, at, name) -> {
        throw new D1Exception.InvalidRequest("this server has no object store (--object-store)");
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
        recovery);
  }
}
