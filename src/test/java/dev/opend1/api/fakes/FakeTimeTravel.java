package dev.opend1.api.fakes;

import dev.opend1.api.TimeTravelService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.StateDiff;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

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

  /** Every seq from the current one down, one second apart, ending now; the range is ignored. */
  @Override
  public Commits commits(
      DatabaseId id,
      Optional<String> since,
      Optional<String> until,
      Optional<String> cursor,
      int limit) {
    long from =
        cursor.flatMap(Bookmark::parse).map(b -> b.seq() - 1).orElse(seqs.getOrDefault(id, 0L));
    List<Commit> page = new ArrayList<>();
    Instant now = Instant.now();
    for (long seq = from; seq >= 0 && page.size() < limit; seq--) {
      page.add(new Commit(at(seq), now.minusSeconds(from - seq)));
    }
    Optional<Bookmark> next =
        page.isEmpty() || page.getLast().bookmark().seq() == 0
            ? Optional.empty()
            : Optional.of(page.getLast().bookmark());
    return new Commits(page, next);
  }

  @Override
  public Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    long previous = seqs.getOrDefault(id, 0L);
    seqs.put(id, previous + 1);
    return new Restored(at(previous + 1), at(previous));
  }

  /** No changes between any two seqs: an empty page and a script that only says so. */
  @Override
  public Diff diff(DatabaseId id, DiffRange range, Optional<String> cursor, int limit) {
    return new Diff(
        range.from().flatMap(Bookmark::parse).orElse(at(0)),
        bookmark(id, Optional.empty()),
        List.of(),
        new StateDiff.Page(List.of(), Optional.empty()));
  }

  @Override
  public void diffSql(DatabaseId id, DiffRange range, Supplier<OutputStream> out) {
    try {
      out.get().write("-- no changes\n".getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
