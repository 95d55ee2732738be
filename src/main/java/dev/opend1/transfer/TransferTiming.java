package dev.opend1.transfer;

import java.time.Duration;

/**
 * The lifetimes of transfers; D1's (and the issue's) values in {@link #STANDARD}.
 *
 * @param urlLifetime a signed URL, and a finished export's file
 * @param abandoned a running export nobody polls for this long is cancelled
 * @param uploadLifetime an upload that is not ingested is removed after this long
 * @param outcomeLifetime a finished import's outcome is reported for this long
 * @param reapEvery how often expired jobs and files are looked for
 */
record TransferTiming(
    Duration urlLifetime,
    Duration abandoned,
    Duration uploadLifetime,
    Duration outcomeLifetime,
    Duration reapEvery) {

  static final TransferTiming STANDARD =
      new TransferTiming(
          Duration.ofHours(1),
          Duration.ofSeconds(60),
          Duration.ofHours(24),
          Duration.ofMinutes(10),
          Duration.ofSeconds(5));
}
