package dev.opend1.api.fakes;

import dev.opend1.api.TimeTravelService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TimeTravelService} as a counter per database: its bookmark is its seq, which a restore
 * moves on by one.
 */
public final class FakeTimeTravel implements TimeTravelService {

  private final Map<DatabaseId, Long> seqs = new ConcurrentHashMap<>();

  /** A bookmark of this seq (and a hash of zeros). */
  public static Bookmark at(long seq) {
    return new Bookmark(seq, new byte[16]);
  }

  @Override
  public Bookmark bookmark(DatabaseId id, Optional<String> timestamp) {
    return at(seqs.getOrDefault(id, 0L));
  }

  @Override
  public Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    long previous = seqs.getOrDefault(id, 0L);
    seqs.put(id, previous + 1);
    return new Restored(at(previous + 1), at(previous));
  }
}
