package dev.opend1.core;

/**
 * The error family every layer throws. Each subtype fixes the D1 error code ({@code errors[].code})
 * and its message, and carries whatever else the answer needs; it knows nothing of HTTP. The HTTP
 * edge gives each subtype its status in one place ({@code api.HttpStatuses}) and renders every one
 * in D1's envelope.
 */
public abstract sealed class D1Exception extends RuntimeException {

  private final int code;

  private D1Exception(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The D1 error code carried in {@code errors[].code}. */
  public int code() {
    return code;
  }

  /** A malformed request: bad JSON, a missing or invalid property (code 7400). */
  public static final class InvalidRequest extends D1Exception {
    public InvalidRequest(String message) {
      super(7400, message, null);
    }
  }

  /** The body is larger than the configured limit (code 7400). */
  public static final class PayloadTooLarge extends D1Exception {
    public PayloadTooLarge(long limitBytes) {
      super(7400, "Request body is larger than the limit of " + limitBytes + " bytes", null);
    }
  }

  /** No database with that id or name in the caller's account (code 7404). */
  public static final class DatabaseNotFound extends D1Exception {
    public DatabaseNotFound() {
      super(7404, "Not Found", null);
    }
  }

  /** No endpoint at that method and path (code 7003). */
  public static final class NoRoute extends D1Exception {
    public NoRoute() {
      super(7003, "No route for the URI", null);
    }
  }

  /** Missing, unknown or revoked credentials (code 10000). */
  public static final class AuthenticationFailed extends D1Exception {
    public AuthenticationFailed() {
      super(10000, "Authentication error", null);
    }
  }

  /** A read-only token used where D1 Write rights are needed (code 10000). */
  public static final class ReadOnlyToken extends D1Exception {
    public ReadOnlyToken(String what) {
      super(10000, "Authentication error: the API token is read-only and cannot " + what, null);
    }
  }

  /** A valid token used on another account's paths (code 7403). */
  public static final class AccountNotAuthorized extends D1Exception {
    public AccountNotAuthorized() {
      super(
          7403, "The given account is not valid or is not authorized to access this service", null);
    }
  }

  /** A database with that name already exists in the account (code 7502). */
  public static final class DuplicateName extends D1Exception {
    public DuplicateName() {
      super(7502, "database with name already exists", null);
    }
  }

  /** The account already holds as many databases as it may (code 7406). */
  public static final class DatabaseLimitReached extends D1Exception {
    public DatabaseLimitReached(int limit) {
      super(7406, "System limit reached: databases per account (" + limit + ")", null);
    }
  }

  /**
   * SQL that SQLite (or opend1's confinement of it) refused: {@code <message>: SQLITE_<CODE>} as D1
   * words it (code 7500). Nothing of the request was applied.
   */
  public static final class SqlFailed extends D1Exception {
    public SqlFailed(String message) {
      super(7500, message, null);
    }
  }

  /** The database's queue is full: D1's backpressure answer (code 7500). */
  public static final class Overloaded extends D1Exception {
    public Overloaded() {
      super(7500, "D1 DB is overloaded. Too many requests queued.", null);
    }
  }

  /**
   * A write that waited for its database's writer past the time it had to start by (code 7500): it
   * was not started, so nothing of it was applied, and it may be retried. D1's own words for a
   * request that waited too long in its database's queue. Why a start deadline: a write answered
   * late is one its client (or the node that forwarded it) may have given up on and sent again.
   */
  public static final class QueuedTooLong extends D1Exception {
    public QueuedTooLong() {
      super(7500, "D1 DB is overloaded. Requests queued for too long.", null);
    }
  }

  /**
   * A commit whose history record could not be made durable (code 7500): it is not applied, and the
   * database is rebuilt from its history before it serves again. Safe to retry.
   */
  public static final class NotDurable extends D1Exception {
    public NotDurable() {
      super(
          7500,
          "internal error: the write could not be made durable and was not applied; retry it",
          null);
    }
  }

  /**
   * Object storage, where writes must reach before they are answered, cannot take them now (code
   * 7500): it is unreachable, refusing, or too far behind. The write was not applied; reads go on.
   * Safe to retry once the store answers again.
   */
  public static final class BackupUnavailable extends D1Exception {
    public BackupUnavailable(String what) {
      super(7500, what + "; the write was not applied, retry it", null);
    }

    /** The {@code BackupUnavailable} that caused {@code t}, if one did. */
    public static java.util.Optional<D1Exception> in(Throwable t) {
      return Causes.find(t, x -> x instanceof BackupUnavailable).map(x -> (D1Exception) x);
    }
  }

  /**
   * The catalog's PostgreSQL (a cluster's tokens, database records and leases) cannot be reached
   * (code 7500): refused, or no connection within the pool's wait. Nothing of the request was
   * applied, and it is safe to retry once PostgreSQL answers again. The cause names hosts and
   * users: it is logged by whoever sees it, never answered.
   */
  public static final class CatalogUnreachable extends D1Exception {
    public CatalogUnreachable(String what) {
      super(
          7500,
          "the catalog's PostgreSQL cannot be reached ("
              + what
              + "); nothing was applied, retry the request",
          null);
    }
  }

  /**
   * The server is stopping (code 7500): a request that arrives while running ones finish is refused
   * before it does anything, so it is safe to retry against the restarted server.
   */
  public static final class ShuttingDown extends D1Exception {
    public ShuttingDown() {
      super(7500, "the server is shutting down; retry the request", null);
    }
  }

  /**
   * A database whose files are missing or damaged (code 7500): it cannot be served until an
   * operator restores them; every other database serves on. Nothing of the request was applied.
   */
  public static final class DatabaseUnavailable extends D1Exception {
    public DatabaseUnavailable(String database, String why) {
      super(7500, "D1 database " + database + " is unavailable: " + why, null);
    }
  }

  /**
   * A database's history that cannot be read where a request needs it, because a record is damaged
   * on disk (code 7500): found only when a request reads that record (a restore, a read, export,
   * diff or branch as of a bookmark), since a sealed segment opens from its index file without
   * reading its records; or when a sealed segment without a usable index file is scanned. Nothing
   * of the request was applied, and a retry fails the same way until an operator repairs the
   * history; what does not need the record serves on. {@code where} names the segment file and byte
   * as {@code opend1 doctor} reports them, never a host path (the server's log has that); {@code
   * unreadable} says what cannot be read ("the state at bookmark B cannot be read").
   */
  public static final class HistoryDamaged extends D1Exception {
    private final String where;

    public HistoryDamaged(String database, String where, String unreadable) {
      super(
          7500,
          "D1 database "
              + database
              + ": its history is damaged at "
              + where
              + "; "
              + unreadable
              + ", and nothing was applied (opend1 doctor reports the damage)",
          null);
      this.where = where;
    }

    /** The damaged record's segment file and first byte: {@code seg-<16 hex>.log byte <N>}. */
    public String where() {
      return where;
    }

    /** The {@code HistoryDamaged} that caused {@code t}, if one did. */
    public static java.util.Optional<HistoryDamaged> in(Throwable t) {
      return Causes.find(t, x -> x instanceof HistoryDamaged).map(HistoryDamaged.class::cast);
    }

    /** The {@code HistoryDamaged} that caused {@code t}, or else what {@code otherwise} makes. */
    public static RuntimeException orElse(
        Throwable t, java.util.function.Supplier<RuntimeException> otherwise) {
      return in(t).<RuntimeException>map(d -> d).orElseGet(otherwise);
    }
  }

  /**
   * A call between the nodes of a cluster (a forwarded request) without the cluster's secret (code
   * 10000): refused before anything else is looked at.
   */
  public static final class ClusterCallRefused extends D1Exception {
    public ClusterCallRefused() {
      super(10000, "Authentication error: a forwarded request without the cluster's secret", null);
    }
  }

  /**
   * The node that owns the database cannot serve the request now (code 7500): it cannot be reached,
   * it has stopped heartbeating while its lease runs, or the lease moved while the request was on
   * its way. Nothing was sent to the owner, so the request is safe to retry.
   */
  public static final class OwnerUnavailable extends D1Exception {
    public OwnerUnavailable(String why) {
      super(7500, why + "; nothing was applied, retry the request", null);
    }
  }

  /**
   * The connection to the owning node failed after the request was sent to it and before its answer
   * was complete, none of that answer having been passed on yet (code 7500): whether a write was
   * applied is not known, so it should be checked (or made idempotent) before it is retried.
   */
  public static final class OwnerConnectionLost extends D1Exception {
    public OwnerConnectionLost(String node, String why) {
      super(
          7500,
          "the connection to node "
              + node
              + ", which owns the database, failed before its answer was complete ("
              + why
              + "); the request may or may not have been applied",
          null);
    }
  }

  /**
   * A database this node may not serve now (code 7500), in a cluster: another node holds its lease,
   * or this node's lease on it lapsed or was refused. Nothing of the request was applied; retrying
   * reaches the owner (forwarded, or once this node holds the lease again).
   */
  public static final class NotOwner extends D1Exception {
    public NotOwner(String database, String why) {
      super(
          7500,
          "D1 database " + database + " is not served by this node now: " + why + "; retry it",
          null);
    }

    /** The {@code NotOwner} that caused {@code t}, if one did. */
    public static java.util.Optional<D1Exception> in(Throwable t) {
      return Causes.find(t, x -> x instanceof NotOwner).map(x -> (D1Exception) x);
    }
  }

  /** Too many of something in a window of time (code 7500), e.g. restores. */
  public static final class RateLimited extends D1Exception {
    public RateLimited(String message) {
      super(7500, message, null);
    }
  }

  /**
   * The disk under the data directory is full (code 7500): what the request needed could not be
   * written. {@code what} says what was not done; safe to retry once space is freed.
   */
  public static final class DiskFull extends D1Exception {
    public DiskFull(String what) {
      super(7500, "the server's disk is full: " + what, null);
    }

    /**
     * True when {@code t} or anything it was caused by (or suppressed) is the operating system's
     * "no space" ({@code ENOSPC}, or {@code EDQUOT} for a quota) or SQLite's {@code SQLITE_FULL}
     * from a file that has no size limit of its own (the catalog, the history).
     */
    public static boolean causedBy(Throwable t) {
      return Causes.find(t, DiskFull::isNoSpace).isPresent();
    }

    private static boolean isNoSpace(Throwable x) {
      if (x instanceof DiskFull) {
        return true;
      }
      String m = String.valueOf(x.getMessage());
      // sqlite-jdbc names SQLite's code in its message ("[SQLITE_FULL] ..."); core stays free of
      // JDBC (only the engine and the catalog talk to SQLite).
      return (x instanceof java.io.IOException
              && (m.contains("No space left on device") || m.contains("Disk quota exceeded")))
          || m.startsWith("[SQLITE_FULL]");
    }

    /** {@code e} itself, or a {@code DiskFull} saying {@code what} when a full disk caused it. */
    public static RuntimeException orCause(RuntimeException e, String what) {
      return e instanceof DiskFull || !causedBy(e) ? e : new DiskFull(what);
    }
  }

  /**
   * A request's results are larger than the server holds for one request while they wait for their
   * commit or for a slow client (code 7500). Nothing of the request was applied.
   */
  public static final class ResultTooLarge extends D1Exception {
    public ResultTooLarge(long limitBytes) {
      super(
          7500,
          "the request's results are larger than the "
              + limitBytes
              + " bytes the server holds for one request (max-spill-bytes-per-request); select"
              + " fewer or smaller rows",
          null);
    }
  }

  /**
   * The disk space for held results is taken by other requests (code 7500): safe to retry shortly.
   * Nothing of the request was applied.
   */
  public static final class SpillSpaceBusy extends D1Exception {
    public SpillSpaceBusy(long limitBytes) {
      super(
          7500,
          "the server's space for held results ("
              + limitBytes
              + " bytes, max-spill-bytes) is in use by other requests; retry shortly",
          null);
    }
  }

  /**
   * Anything that is the server's fault (code 7500). The message never leaks internals; the HTTP
   * edge ends it, like every answer to a server-side failure, with the request's id as its
   * reference.
   */
  public static final class Internal extends D1Exception {
    public Internal(Throwable cause) {
      super(7500, "internal error", cause);
    }
  }
}
