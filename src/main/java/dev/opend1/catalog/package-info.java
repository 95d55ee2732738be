/**
 * The catalog: accounts, API tokens (stored as SHA-256 hashes only) and database records, behind
 * the {@link dev.opend1.catalog.Catalog} interface. The embedded store is a SQLite file in the data
 * directory; a cluster store can implement the same interface on PostgreSQL.
 */
package dev.opend1.catalog;
