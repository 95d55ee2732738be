/**
 * D1's analytics for opend1: what each database's query requests did, per minute, kept for 31 days
 * and served as Cloudflare's GraphQL Analytics datasets {@code d1AnalyticsAdaptiveGroups}, {@code
 * d1QueriesAdaptiveGroups} and {@code d1StorageAdaptiveGroups}, so {@code wrangler d1 info} and
 * {@code wrangler d1 insights} show real figures.
 *
 * <p>How it fits together: the HTTP edge reports every finished request to a {@link
 * dev.opend1.analytics.QueryRecorder}; {@link dev.opend1.analytics.LiveMinutes} counts it in memory
 * under a short lock (the per-database tally and one tally per statement shape, {@link
 * dev.opend1.sql.QueryShape}); once a minute {@link dev.opend1.analytics.Analytics} moves the
 * counted minutes to an {@link dev.opend1.analytics.AnalyticsStore} ({@code analytics.sqlite} in
 * the data directory) and forgets minutes past the retention. A GraphQL query ({@link
 * dev.opend1.analytics.AnalyticsGraphql}) reads the store and the live minutes together, sums the
 * minutes into the groups asked for ({@link dev.opend1.analytics.Groups}), and orders and cuts
 * them. Quantiles come from per-minute {@link dev.opend1.analytics.Histogram}s, which, unlike
 * quantiles, can be summed.
 *
 * <p>This package keeps its own SQLite file, as the catalog does, which is why the architecture
 * test lets it use JDBC; it starts no thread (its flush runs on an executor handed in).
 */
package dev.opend1.analytics;
