package dev.opend1.analytics;

/**
 * Receives the minutes a read finds, one by one, so a read over a month holds only what its
 * receiver keeps (its groups), never every minute at once.
 */
interface FactSink {

  void database(DatabaseMinute key, DatabaseTally tally);

  void query(QueryMinute key, QueryTally tally);
}
