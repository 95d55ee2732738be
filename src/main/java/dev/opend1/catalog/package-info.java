/**
 * The catalog: accounts, API tokens (stored as SHA-256 hashes only) and database records, behind
 * three interfaces, {@link dev.opend1.catalog.Accounts}, {@link dev.opend1.catalog.Tokens} and
 * {@link dev.opend1.catalog.DatabaseRecords}, that {@link dev.opend1.catalog.Catalog} gathers. The
 * embedded store is a SQLite file in the data directory; several nodes can share one in PostgreSQL.
 * One class per interface ({@code JdbcAccounts}, {@code JdbcTokens}, {@code JdbcDatabaseRecords})
 * serves both, over {@code CatalogSql}.
 */
package dev.opend1.catalog;
