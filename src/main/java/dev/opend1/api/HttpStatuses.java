package dev.opend1.api;

import dev.opend1.core.D1Exception;

/**
 * The HTTP status each error of the {@link D1Exception} family is answered with: the one place
 * where core's typed errors meet HTTP. The switch names every subtype and has no default, so a new
 * subtype does not compile until it has a status here.
 *
 * <p>Public only so that tests of other packages can check what a failure they provoke would
 * answer; nothing outside the HTTP edge maps errors.
 */
public final class HttpStatuses {

  private HttpStatuses() {}

  /** The status {@code e} is answered with. */
  public static int of(D1Exception e) {
    return switch (e) {
      case D1Exception.InvalidRequest x -> 400;
      case D1Exception.PayloadTooLarge x -> 413;
      case D1Exception.DatabaseNotFound x -> 404;
      case D1Exception.NoRoute x -> 404;
      case D1Exception.AuthenticationFailed x -> 401;
      case D1Exception.ReadOnlyToken x -> 403;
      case D1Exception.AccountNotAuthorized x -> 403;
      case D1Exception.DuplicateName x -> 400;
      case D1Exception.DatabaseLimitReached x -> 400;
      case D1Exception.SqlFailed x -> 400;
      // D1's backpressure answer; clients back off and retry.
      case D1Exception.Overloaded x -> 429;
      // The same backpressure, for a write that waited past its start deadline: nothing applied.
      case D1Exception.QueuedTooLong x -> 429;
      case D1Exception.NotDurable x -> 500;
      // Nothing was applied and the request may be retried: against the restarted server, once an
      // operator restored the files, or shortly.
      case D1Exception.ShuttingDown x -> 503;
      case D1Exception.BackupUnavailable x -> 503;
      case D1Exception.CatalogUnreachable x -> 503;
      case D1Exception.DatabaseUnavailable x -> 503;
      case D1Exception.NotOwner x -> 503;
      case D1Exception.SpillSpaceBusy x -> 503;
      case D1Exception.RateLimited x -> 429;
      case D1Exception.ClusterCallRefused x -> 401;
      // Nothing reached the owner: retry (a takeover or the owner's return makes it succeed).
      case D1Exception.OwnerUnavailable x -> 503;
      // The owner may have applied it: a gateway's failure, not a retryable refusal.
      case D1Exception.OwnerConnectionLost x -> 502;
      // 507 Insufficient Storage: safe to retry once space is freed.
      case D1Exception.DiskFull x -> 507;
      // The request asked for more than the server holds for one request: retrying will not help.
      case D1Exception.ResultTooLarge x -> 400;
      // The server's own data is damaged: not the client's fault, and not passing (a retry fails
      // the same way until an operator repairs the history), so not 503.
      case D1Exception.HistoryDamaged x -> 500;
      case D1Exception.Internal x -> 500;
    };
  }
}
