package dev.opend1.config;

import java.util.List;

/**
 * Every setting opend1 has, in the order {@code serve --help} and {@code docs/configuration.md}
 * list them. Adding a setting here adds its flag, its environment variable and its config-file key
 * at once; a test keeps the table in {@code docs/configuration.md} in agreement with this list.
 */
public final class Settings {

  public static final Setting HOST =
      new Setting("host", "HOST", "127.0.0.1", "Address to listen on.");
  public static final Setting PORT =
      new Setting("port", "N", "8787", "TCP port to listen on (0 picks a free one).");
  public static final Setting DATA_DIR =
      new Setting("data-dir", "DIR", "./data", "Directory holding the catalog and every database.");
  public static final Setting CONFIG =
      new Setting(
          "config",
          "FILE",
          null,
          "Optional config file of `name = value` lines (keys are the flag names).");
  public static final Setting REGION =
      new Setting(
          "region",
          "REGION",
          "WNAM",
          "Region reported for databases created without a location hint, and by this node's read"
              + " replica answers (WNAM, ENAM, WEUR, EEUR, APAC, OC).");
  public static final Setting ACCOUNT_ID =
      new Setting(
          "account-id",
          "ID",
          null,
          "Account (32 lowercase hex) to make sure exists at every start; pairs with api-token.");
  public static final Setting API_TOKEN =
      new Setting(
          "api-token",
          "TOKEN",
          null,
          "API token with full D1 rights to make sure exists at every start; never printed.");
  public static final Setting MAX_DATABASES =
      new Setting(
          "max-databases-per-account",
          "N",
          "50000",
          "Databases one account may hold (D1: 50,000).");
  public static final Setting MAX_BODY_BYTES =
      new Setting(
          "max-body-bytes",
          "BYTES",
          "100000000",
          "Largest request body accepted; larger ones get 413 before they are read in full.");

  public static final Setting MAX_STATEMENT_BYTES =
      new Setting(
          "max-statement-bytes", "BYTES", "100000", "Longest SQL statement (D1: 100,000 bytes).");

  /**
   * D1 documents no number for the REST API. Its limits page (cloudflare-docs,
   * src/content/docs/d1/platform/limits.mdx) gives "Queries per Worker invocation: 1000 (Workers
   * Paid) / 50 (Free)" for the Worker binding; wrangler, when it sent files through {@code /query}
   * ("d1 execute", workers-sdk packages/wrangler/src/d1/execute.tsx before imports), cut them into
   * requests of at most {@code QUERY_LIMIT = 10_000} statements ("Max number of statements to send
   * in a single /execute call"). So 10,000: what D1's own client sent in one request.
   */
  public static final Setting MAX_STATEMENTS_PER_REQUEST =
      new Setting(
          "max-statements-per-request",
          "N",
          "10000",
          "Statements one /query or /raw request may hold (a batch item counts as at least one);"
              + " more is refused before the body is read in full (wrangler sends D1 at most"
              + " 10,000).");

  public static final Setting MAX_BOUND_PARAMETERS =
      new Setting("max-bound-parameters", "N", "100", "Bound parameters per statement (D1: 100).");
  public static final Setting MAX_VALUE_BYTES =
      new Setting(
          "max-value-bytes",
          "BYTES",
          "2000000",
          "Largest string, BLOB or row (D1: 2,000,000 bytes).");
  public static final Setting MAX_COLUMNS =
      new Setting("max-columns", "N", "100", "Columns per table or result (D1: 100).");
  public static final Setting MAX_FUNCTION_ARGS =
      new Setting("max-function-args", "N", "32", "Arguments per SQL function (D1: 32).");
  public static final Setting MAX_LIKE_PATTERN_BYTES =
      new Setting(
          "max-like-pattern-bytes", "BYTES", "50", "Longest LIKE or GLOB pattern (D1: 50 bytes).");
  public static final Setting QUERY_TIMEOUT_MS =
      new Setting(
          "query-timeout-ms",
          "MS",
          "30000",
          "Time one /query or /raw request may run before it is interrupted (D1: 30 s); a write"
              + " waits for its database's writer at most this long too (at least 5 s).");
  public static final Setting SQL_COMPAT =
      new Setting(
          "sql-compat",
          "MODE",
          "d1",
          "SQL dialect: d1 allows exactly what D1 allows; sqlite also allows SQLite's other"
              + " functions and modules, TEMP objects and transaction lines in imports (never"
              + " the unsafe ones).");
  public static final Setting MAX_DATABASE_BYTES =
      new Setting(
          "max-database-bytes",
          "BYTES",
          "10000000000",
          "Largest database; writes past it fail with \"Exceeded maximum DB size\" (D1: 10 GB).");
  public static final Setting MAX_QUEUED_WRITES =
      new Setting(
          "max-queued-writes",
          "N",
          "1000",
          "Write requests waiting for one database before new ones get 429 \"overloaded\".");
  public static final Setting SQL_THREADS =
      new Setting(
          "sql-threads",
          "N",
          "16",
          "Platform threads that run SQLite work: writes (with their history fsync when no object"
              + " storage is configured), and reads outside requests (statistics, checks).");
  public static final Setting MAX_OPEN_DATABASES =
      new Setting(
          "max-open-databases",
          "N",
          "256",
          "Databases kept open; past it idle ones are closed and hold no connection.");
  public static final Setting MAX_SPILL_BYTES_PER_REQUEST =
      new Setting(
          "max-spill-bytes-per-request",
          "BYTES",
          "1000000000",
          "Disk (DATA_DIR/tmp) one request's results may use while they wait for their commit or a"
              + " slow client; past it the request fails with 400.");
  public static final Setting MAX_SPILL_BYTES =
      new Setting(
          "max-spill-bytes",
          "BYTES",
          "10000000000",
          "Disk all requests' waiting results may use together; past it new ones get 503.");
  public static final Setting PAST_STATE_CACHE_BYTES =
      new Setting(
          "past-state-cache-bytes",
          "BYTES",
          "1000000000",
          "Disk (DATA_DIR/past) the past states kept for reads as of a bookmark may add (their"
              + " logs of changed pages, copied snapshots); past it the least recently used unused"
              + " ones are deleted. 0 keeps none between requests.");
  public static final Setting LISTEN_BACKLOG =
      new Setting(
          "listen-backlog",
          "N",
          "1024",
          "Connections the kernel queues before the server accepts them (capped by"
              + " net.core.somaxconn).");

  public static final Setting HISTORY_RETENTION_DAYS =
      new Setting(
          "history-retention-days",
          "DAYS",
          "30",
          "How far back time travel reaches; older history is removed (D1: 30 days).");
  public static final Setting RESTORE_LIMIT =
      new Setting(
          "restore-limit",
          "N",
          "10",
          "Restores one database may have per restore-limit-window-seconds (D1: 10).");
  public static final Setting RESTORE_LIMIT_WINDOW_SECONDS =
      new Setting(
          "restore-limit-window-seconds",
          "SECONDS",
          "600",
          "The window of restore-limit (D1: 10 minutes).");

  public static final Setting MAX_IMPORT_BYTES =
      new Setting(
          "max-import-bytes", "BYTES", "5000000000", "Largest file an import accepts (D1: 5 GB).");
  public static final Setting MAX_TRANSFER_BYTES =
      new Setting(
          "max-transfer-bytes",
          "BYTES",
          "20000000000",
          "Disk that uploads and exports waiting to be fetched may use together; exports already"
              + " downloaded whole are removed first when room is needed.");

  public static final Setting IMPORT_TIMEOUT_SECONDS =
      new Setting(
          "import-timeout-seconds",
          "SECONDS",
          "3600",
          "Time one import may run as a whole (its statements have no limit of their own).");
  public static final Setting PUBLIC_URL =
      new Setting(
          "public-url",
          "URL",
          null,
          "Base of the signed export and upload URLs; default: the address the client used.");
  public static final Setting TLS_CERT =
      new Setting(
          "tls-cert",
          "FILE",
          null,
          "PEM certificate chain; with tls-key the port serves HTTPS only.");
  public static final Setting TLS_KEY =
      new Setting(
          "tls-key",
          "FILE",
          null,
          "PEM private key of tls-cert (PKCS#8, or PKCS#1 RSA); never logged.");

  public static final Setting METRICS_PORT =
      new Setting(
          "metrics-port",
          "N",
          null,
          "Serve GET /metrics on its own port instead of the main one (then the main port does not"
              + " serve it); unset or 0: the main port.");
  public static final Setting METRICS_TENANT_LABELS =
      new Setting(
          "metrics-tenant-labels",
          "BOOL",
          "false",
          "Add account and database labels to the HTTP metrics (reveals tenants' ids to whoever"
              + " can scrape).");
  public static final Setting LOG_FORMAT =
      new Setting(
          "log-format",
          "FORMAT",
          "text",
          "Log lines on standard error: text, or json (every line one JSON object, requests,"
              + " startup and errors alike).");

  /** All settings, in help order. */
  public static final Setting OBJECT_STORE =
      new Setting(
          "object-store",
          "URL",
          null,
          "Object storage (S3 API) that keeps every database's history and the catalog (unless it"
              + " is in PostgreSQL) off the machine, as an s3 URL: bucket, then prefix. Credentials come from the AWS SDK's chain"
              + " (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role)."
              + " A prefix is one kind of server's: a standalone server is refused on a cluster's"
              + " (catalog in PostgreSQL), and a server with catalog on a standalone server's"
              + " until that server's catalog is imported.");

  public static final Setting OBJECT_STORE_ENDPOINT =
      new Setting(
          "object-store-endpoint",
          "URL",
          null,
          "The S3 API's URL for a store that is not AWS (R2, MinIO, Ceph, B2...); path-style.");
  public static final Setting OBJECT_STORE_REGION =
      new Setting(
          "object-store-region",
          "REGION",
          "us-east-1",
          "Region object-store requests are signed for (R2: auto).");
  public static final Setting OBJECT_STORE_DURABILITY =
      new Setting(
          "object-store-durability",
          "MODE",
          "async",
          "sync: a write is answered once its history is in object storage; async: once it is on"
              + " the local disk, and it is shipped within object-store-lag-ms.");
  public static final Setting OBJECT_STORE_LAG_MS =
      new Setting(
          "object-store-lag-ms",
          "MS",
          "1000",
          "async: how far behind object storage may normally be; history is shipped at least"
              + " this often.");
  public static final Setting OBJECT_STORE_MAX_LAG_MS =
      new Setting(
          "object-store-max-lag-ms",
          "MS",
          "30000",
          "async: past this lag writes slow down (from half of it) and then get 503, so a lost"
              + " machine never takes more than this with it.");

  public static final Setting CATALOG =
      new Setting(
          "catalog",
          "URL",
          null,
          "A PostgreSQL database to keep accounts, tokens, database records and analytics in,"
              + " instead of"
              + " DATA_DIR: a postgresql URL with user, host, port and database name; the password"
              + " from PGPASSWORD or catalog-password-file, never in the URL.");
  public static final Setting CATALOG_PASSWORD_FILE =
      new Setting(
          "catalog-password-file",
          "FILE",
          null,
          "File whose first line is the catalog's PostgreSQL password (instead of PGPASSWORD).");

  public static final Setting ADVERTISE_URL =
      new Setting(
          "advertise-url",
          "URL",
          null,
          "How the other nodes of a cluster reach this one (http://HOST:PORT; https:// with"
              + " tls-cert). With catalog,"
              + " object-store and the cluster secret, the node joins the cluster: it registers"
              + " and heartbeats in PostgreSQL, and object-store-durability is sync.");

  public static final Setting CLUSTER_SECRET_FILE =
      new Setting(
          "cluster-secret-file",
          "FILE",
          null,
          "File whose first line is the secret every node of a cluster shares (instead of"
              + " OPEND1_CLUSTER_SECRET); never printed.");

  public static final Setting CLUSTER_LEASE_TTL =
      new Setting(
          "cluster-lease-ttl",
          "MS",
          "10000",
          "How long a cluster node's lease on a database lasts unless renewed (every third of it):"
              + " a node that cannot renew stops serving the database a tenth of it before it"
              + " lapses, and another node may take the database over once it has lapsed.");

  public static final Setting CLUSTER_TAKEOVER =
      new Setting(
          "cluster-takeover",
          "MODE",
          "eager",
          "When a cluster node takes over the databases no node serves (their owner died or"
              + " stopped): eager, in the background as soon as their leases lapse, two at a time,"
              + " spread over the live nodes; lazy, only when a request for one reaches it.");

  public static final Setting CLUSTER_CA_FILE =
      new Setting(
          "cluster-ca-file",
          "FILE",
          null,
          "PEM certificates a cluster node trusts, and only these, when it calls another node"
              + " whose advertise-url is https:// (a private authority's, or the nodes' own"
              + " self-signed ones); unset: the JVM's trust store.");

  public static final List<Setting> ALL =
      List.of(
          HOST,
          PORT,
          DATA_DIR,
          CONFIG,
          REGION,
          ACCOUNT_ID,
          API_TOKEN,
          MAX_DATABASES,
          MAX_BODY_BYTES,
          MAX_STATEMENT_BYTES,
          MAX_STATEMENTS_PER_REQUEST,
          MAX_BOUND_PARAMETERS,
          MAX_VALUE_BYTES,
          MAX_COLUMNS,
          MAX_FUNCTION_ARGS,
          MAX_LIKE_PATTERN_BYTES,
          QUERY_TIMEOUT_MS,
          SQL_COMPAT,
          MAX_DATABASE_BYTES,
          MAX_QUEUED_WRITES,
          SQL_THREADS,
          MAX_OPEN_DATABASES,
          MAX_SPILL_BYTES_PER_REQUEST,
          MAX_SPILL_BYTES,
          PAST_STATE_CACHE_BYTES,
          LISTEN_BACKLOG,
          HISTORY_RETENTION_DAYS,
          RESTORE_LIMIT,
          RESTORE_LIMIT_WINDOW_SECONDS,
          MAX_IMPORT_BYTES,
          MAX_TRANSFER_BYTES,
          IMPORT_TIMEOUT_SECONDS,
          PUBLIC_URL,
          METRICS_PORT,
          METRICS_TENANT_LABELS,
          LOG_FORMAT,
          TLS_CERT,
          TLS_KEY,
          OBJECT_STORE,
          OBJECT_STORE_ENDPOINT,
          OBJECT_STORE_REGION,
          OBJECT_STORE_DURABILITY,
          OBJECT_STORE_LAG_MS,
          OBJECT_STORE_MAX_LAG_MS,
          CATALOG,
          CATALOG_PASSWORD_FILE,
          ADVERTISE_URL,
          CLUSTER_SECRET_FILE,
          CLUSTER_LEASE_TTL,
          CLUSTER_TAKEOVER,
          CLUSTER_CA_FILE);

  /**
   * {@code OPEND1_*} variables that are not settings but are read by something else: the log level
   * (logback), the launcher's JVM options, and the operator token of {@code opend1 status} and
   * {@code opend1 doctor --url}, and the cluster's shared secret (read with the settings, but no
   * setting, so it never becomes a flag). Any other {@code OPEND1_*} variable is refused at start,
   * so a misspelt setting is not silently ignored.
   */
  public static final List<String> OTHER_VARIABLES =
      List.of(
          "OPEND1_LOG_LEVEL", "OPEND1_JAVA_OPTS", "OPEND1_OPERATOR_TOKEN", "OPEND1_CLUSTER_SECRET");

  private Settings() {}
}
