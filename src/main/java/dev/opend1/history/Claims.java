package dev.opend1.history;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * One database's writer-generation claims in the bucket ({@code db/<uuid>/gen/<gen>}), as one
 * replica sees them: it stores its own before it ships, and lists them to find a higher generation
 * (a newer server took the database over) at most once per {@code every}: one listing vouches for
 * the uploads that follow it for that long ({@link #due}), since a listing per upload cost a round
 * trip on every {@code sync} commit group. Used under the replica's monitor only.
 */
final class Claims {

  /** What one listing found: the highest generation above ours, and the claims below ours. */
  record Listing(OptionalLong above, List<String> below) {}

  private final String databaseId;
  private final ObjectStore remote;
  private final long generation;
  private final long everyNanos;
  private final LongSupplier nanoClock;
  private boolean listed;
  private long listedAt;

  Claims(
      String databaseId,
      ObjectStore remote,
      long generation,
      Duration every,
      LongSupplier nanoClock) {
    this.databaseId = databaseId;
    this.remote = remote;
    this.generation = generation;
    this.everyNanos = every.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Stores this generation's claim. */
  void store() throws IOException {
    remote.putIfAbsent(BucketNames.claim(databaseId, generation), new byte[0]);
  }

  /** Whether an upload now needs a listing: none began within the period. */
  boolean due() {
    return !listed || nanoClock.getAsLong() - listedAt >= everyNanos;
  }

  /** Lists the claims; a listing that finds none above ours starts a new period. */
  Listing list() throws IOException {
    long began = nanoClock.getAsLong();
    long above = 0;
    List<String> below = new ArrayList<>();
    for (ObjectStore.Listed c : remote.list(BucketNames.claims(databaseId))) {
      OptionalLong g = BucketNames.claimGeneration(c.name());
      if (g.isEmpty()) {
        continue;
      }
      int cmp = Long.compareUnsigned(g.getAsLong(), generation);
      if (cmp < 0) {
        below.add(c.name());
      } else if (cmp > 0 && Long.compareUnsigned(g.getAsLong(), above) > 0) {
        above = g.getAsLong();
      }
    }
    if (above != 0) {
      return new Listing(OptionalLong.of(above), below);
    }
    listed = true;
    listedAt = began;
    return new Listing(OptionalLong.empty(), below);
  }
}
