package dev.opend1.config;

import dev.opend1.core.AccountId;
import dev.opend1.core.Region;
import dev.opend1.core.SqlLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The server's whole configuration, immutable once loaded by {@link ConfigLoader}.
 *
 * @param host address to listen on
 * @param port TCP port (0 picks a free one)
 * @param dataDir the data directory
 * @param region the region reported when a database has no location hint
 * @param bootstrapAccount account to ensure at start, with {@code bootstrapToken}
 * @param bootstrapToken token to ensure at start; never printed
 * @param maxDatabasesPerAccount per-account database limit
 * @param maxBodyBytes largest request body accepted
 * @param maxStatementsPerRequest statements one /query or /raw request may hold
 * @param sql limits on user SQL
 * @param sqlThreads platform threads for SQLite work
 * @param maxOpenDatabases database handles kept open
 * @param historyRetention how far back time travel reaches
 * @param restoreLimit restores per database per {@code restoreWindow}
 * @param restoreWindow the window of {@code restoreLimit}
 * @param maxImportBytes largest import file
 * @param maxTransferBytes disk for uploads and exports together
 * @param importTimeout time one import may run
 * @param publicUrl base of signed URLs, if configured
 * @param metricsPort a separate port for {@code GET /metrics}, or 0 for the main port
 * @param metricsTenantLabels whether HTTP metrics carry account and database labels
 * @param jsonLogs whether every log line on standard error is a JSON object rather than text
 * @param tls the certificate and key to serve HTTPS with; without them plain HTTP
 * @param maxSpillBytesPerRequest disk one request's waiting results may use
 * @param maxSpillBytes disk all requests' waiting results may use together
 * @param listenBacklog connections the kernel queues before they are accepted
 * @param maxPastStateBytes disk the past states kept for reads as of a bookmark may add
 * @param objectStore object storage the history is shipped to, if configured
 * @param catalog the catalog in PostgreSQL, if configured; else the data directory's file
 * @param cluster how this node joins a cluster, if it runs in one
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Region region,
    Optional<AccountId> bootstrapAccount,
    Optional<String> bootstrapToken,
    int maxDatabasesPerAccount,
    long maxBodyBytes,
    int maxStatementsPerRequest,
    SqlLimits sql,
    int sqlThreads,
    int maxOpenDatabases,
    Duration historyRetention,
    int restoreLimit,
    Duration restoreWindow,
    long maxImportBytes,
    long maxTransferBytes,
    Duration importTimeout,
    Optional<String> publicUrl,
    int metricsPort,
    boolean metricsTenantLabels,
    boolean jsonLogs,
    Optional<TlsFiles> tls,
    long maxSpillBytesPerRequest,
    long maxSpillBytes,
    int listenBacklog,
    long maxPastStateBytes,
    Optional<ObjectStoreSettings> objectStore,
    Optional<PostgresLocation> catalog,
    Optional<ClusterSettings> cluster) {

  @Override
  public String toString() {
    // The bootstrap token is a secret: never let it reach a log line through toString().
    return "ServerConfig[host=%s, port=%d, dataDir=%s, region=%s, bootstrapAccount=%s, maxDatabasesPerAccount=%d, maxBodyBytes=%d, maxStatementsPerRequest=%d, sql=%s, sqlThreads=%d, maxOpenDatabases=%d, historyRetention=%s, restoreLimit=%d, restoreWindow=%s, maxImportBytes=%d, maxTransferBytes=%d, importTimeout=%s, publicUrl=%s, metricsPort=%d, metricsTenantLabels=%s, jsonLogs=%s, tls=%s, maxSpillBytesPerRequest=%d, maxSpillBytes=%d, listenBacklog=%d, maxPastStateBytes=%d, objectStore=%s, catalog=%s, cluster=%s]"
        .formatted(
            host,
            port,
            dataDir,
            region,
            bootstrapAccount.map(AccountId::value).orElse("-"),
            maxDatabasesPerAccount,
            maxBodyBytes,
            maxStatementsPerRequest,
            sql,
            sqlThreads,
            maxOpenDatabases,
            historyRetention,
            restoreLimit,
            restoreWindow,
            maxImportBytes,
            maxTransferBytes,
            importTimeout,
            publicUrl.orElse("-"),
            metricsPort,
            metricsTenantLabels,
            jsonLogs,
            tls.map(t -> t.certificate().toString()).orElse("-"),
            maxSpillBytesPerRequest,
            maxSpillBytes,
            listenBacklog,
            maxPastStateBytes,
            objectStore,
            catalog.map(PostgresLocation::toString).orElse("-"),
            cluster.map(ClusterSettings::toString).orElse("-"));
  }
}
