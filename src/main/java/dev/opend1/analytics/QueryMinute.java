package dev.opend1.analytics;

/**
 * Which statement shape, database and minute a {@link QueryTally} is about.
 *
 * @param account the database's account id
 * @param database the database's uuid
 * @param minute minutes since 1970-01-01T00:00Z
 * @param query the statement's shape ({@link dev.opend1.sql.QueryShape})
 */
record QueryMinute(String account, String database, long minute, String query) {}
