package dev.opend1.analytics;

import java.util.Optional;
import java.util.Set;

/**
 * Which stored minutes a read needs: one account's, within a range of minutes, optionally of some
 * databases only. A read may return more than its scope asks (its caller filters again); never
 * less.
 *
 * @param account the account id
 * @param fromMinute the first minute, inclusive
 * @param toMinute the last minute, inclusive
 * @param databases the database uuids, or empty for all of the account's
 */
record Scope(String account, long fromMinute, long toMinute, Optional<Set<String>> databases) {

  boolean covers(String account, String database, long minute) {
    return this.account.equals(account)
        && minute >= fromMinute
        && minute <= toMinute
        && databases.map(d -> d.contains(database)).orElse(true);
  }
}
