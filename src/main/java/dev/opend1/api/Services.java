package dev.opend1.api;

import dev.opend1.analytics.AnalyticsReader;
import dev.opend1.analytics.QueryRecorder;
import dev.opend1.catalog.Accounts;
import dev.opend1.catalog.Tokens;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Optional;

/**
 * Everything the HTTP edge calls, one narrow interface per route group. {@code Wiring} builds them
 * over the engine, the history, the transfers and the catalog; route tests hand in fakes.
 *
 * @param accounts the account routes ({@code /accounts}, {@code /memberships})
 * @param tokens authentication (every route but the signed transfer URLs), operator tokens
 * @param databases the database routes, and finding a request's database for all the others
 * @param queries {@code /query} and {@code /raw}
 * @param timeTravel {@code /time_travel/bookmark}, {@code /time_travel/restore} and {@code
 *     /time_travel/commits}
 * @param transfers {@code /export}, {@code /import} and their signed URLs
 * @param status {@code /status} and {@code /status/databases/{id}}
 * @param meters the server's own figures, shown by {@code /metrics} beside the HTTP ones
 * @param recorder where {@code /query} and {@code /raw} report what each request did
 * @param analytics {@code /graphql}: the recorded figures, as Cloudflare's GraphQL Analytics
 * @param recovery {@code /recover}: one database from object storage, as a new database
 * @param forwarding a cluster member's: where the requests it does not serve go; empty on a
 *     standalone server, whose routes then do no forwarding work at all
 * @param replicas a cluster member's read replicas, which answer sessions' reads of databases
 *     another node owns; empty on a standalone server and on a member without object storage
 */
public record Services(
    Accounts accounts,
    Tokens tokens,
    DatabaseService databases,
    QueryService queries,
    TimeTravelService timeTravel,
    TransferService transfers,
    StatusService status,
    MeterBinder meters,
    QueryRecorder recorder,
    AnalyticsReader analytics,
    RecoveryService recovery,
    Optional<ForwardingService> forwarding,
    Optional<ReplicaService> replicas) {

  /** These services, on a cluster member that forwards through {@code forwarding}. */
  public Services withForwarding(ForwardingService forwarding) {
    return new Services(
        accounts,
        tokens,
        databases,
        queries,
        timeTravel,
        transfers,
        status,
        meters,
        recorder,
        analytics,
        recovery,
        Optional.of(forwarding),
        replicas);
  }

  /** These services, with {@code more} series shown by {@code /metrics} beside the others. */
  public Services withMeters(MeterBinder more) {
    MeterBinder both =
        registry -> {
          meters.bindTo(registry);
          more.bindTo(registry);
        };
    return new Services(
        accounts,
        tokens,
        databases,
        queries,
        timeTravel,
        transfers,
        status,
        both,
        recorder,
        analytics,
        recovery,
        forwarding,
        replicas);
  }
}
