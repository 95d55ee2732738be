package dev.opend1.analytics;

/**
 * Which database and which minute a {@link DatabaseTally} is about.
 *
 * @param account the database's account id
 * @param database the database's uuid
 * @param minute minutes since 1970-01-01T00:00Z
 */
record DatabaseMinute(String account, String database, long minute) {}
