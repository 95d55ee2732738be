package dev.opend1.core;

/**
 * The error family every layer throws. Each subtype fixes the D1 error code and the HTTP status it
 * is answered with; the HTTP edge maps them to the envelope in exactly one place.
 */
public abstract sealed class D1Exception extends RuntimeException {

  private final int code;
  private final int httpStatus;

  private D1Exception(int code, int httpStatus, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The D1 error code carried in {@code errors[].code}. */
  public int code() {
    return code;
  }

  /** The HTTP status the error is answered with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** A malformed request: bad JSON, a missing or invalid property (400, 7400). */
  public static final class InvalidRequest extends D1Exception {
    public InvalidRequest(String message) {
      super(7400, 400, message, null);
    }
  }

  /** The body is larger than the configured limit (413, 7400). */
  public static final class PayloadTooLarge extends D1Exception {
    public PayloadTooLarge(long limitBytes) {
      super(7400, 413, "Request body is larger than the limit of " + limitBytes + " bytes", null);
    }
  }

  /** No database with that id or name in the caller's account (404, 7404). */
  public static final class DatabaseNotFound extends D1Exception {
    public DatabaseNotFound() {
      super(7404, 404, "Not Found", null);
    }
  }

  /** No endpoint at that method and path (404, 7003). */
  public static final class NoRoute extends D1Exception {
    public NoRoute() {
      super(7003, 404, "No route for the URI", null);
    }
  }

  /** Missing, unknown or revoked credentials (401, 10000). */
  public static final class AuthenticationFailed extends D1Exception {
    public AuthenticationFailed() {
      super(10000, 401, "Authentication error", null);
    }
  }

  /** A read-only token used where D1 Write rights are needed (403, 10000). */
  public static final class ReadOnlyToken extends D1Exception {
    public ReadOnlyToken(String what) {
      super(
          10000, 403, "Authentication error: the API token is read-only and cannot " + what, null);
    }
  }

  /** A valid token used on another account's paths (403, 7403). */
  public static final class AccountNotAuthorized extends D1Exception {
    public AccountNotAuthorized() {
      super(
          7403,
          403,
          "The given account is not valid or is not authorized to access this service",
          null);
    }
  }

  /** A database with that name already exists in the account (400, 7502). */
  public static final class DuplicateName extends D1Exception {
    public DuplicateName() {
      super(7502, 400, "database with name already exists", null);
    }
  }

  /** The account already holds as many databases as it may (400, 7406). */
  public static final class DatabaseLimitReached extends D1Exception {
    public DatabaseLimitReached(int limit) {
      super(7406, 400, "System limit reached: databases per account (" + limit + ")", null);
    }
  }

  /**
   * SQL that SQLite (or opend1's confinement of it) refused: {@code <message>: SQLITE_<CODE>} as D1
   * words it (400, 7500). Nothing of the request was applied.
   */
  public static final class SqlFailed extends D1Exception {
    public SqlFailed(String message) {
      super(7500, 400, message, null);
    }
  }

  /** The database's queue is full: D1's backpressure answer (429, 7500). */
  public static final class Overloaded extends D1Exception {
    public Overloaded() {
      super(7500, 429, "D1 DB is overloaded. Too many requests queued.", null);
    }
  }

  /**
   * A commit whose history record could not be made durable (500, 7500): it is not applied, and the
   * database is rebuilt from its history before it serves again. Safe to retry.
   */
  public static final class NotDurable extends D1Exception {
    public NotDurable() {
      super(
          7500,
          500,
          "internal error: the write could not be made durable and was not applied; retry it",
          null);
    }
  }

  /**
   * The server is stopping (503, 7500): a request that arrives while running ones finish is refused
   * before it does anything, so it is safe to retry against the restarted server.
   */
  public static final class ShuttingDown extends D1Exception {
    public ShuttingDown() {
      super(7500, 503, "the server is shutting down; retry the request", null);
    }
  }

  /**
   * A database whose files are missing or damaged (503, 7500): it cannot be served until an
   * operator restores them; every other database serves on. Nothing of the request was applied.
   */
  public static final class DatabaseUnavailable extends D1Exception {
    public DatabaseUnavailable(String database, String why) {
      super(7500, 503, "D1 database " + database + " is unavailable: " + why, null);
    }
  }

  /** Too many of something in a window of time (429, 7500), e.g. restores. */
  public static final class RateLimited extends D1Exception {
    public RateLimited(String message) {
      super(7500, 429, message, null);
    }
  }

  /**
   * Anything that is the server's fault (500, 7500). The message never leaks internals; the HTTP
   * edge ends it, like every 5xx message, with the request's id as its reference.
   */
  public static final class Internal extends D1Exception {
    public Internal(Throwable cause) {
      super(7500, 500, "internal error", cause);
    }
  }
}
