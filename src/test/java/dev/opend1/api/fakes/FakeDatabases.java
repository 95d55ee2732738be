package dev.opend1.api.fakes;

import dev.opend1.api.DatabaseService;
import dev.opend1.catalog.DatabasePage;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import dev.opend1.engine.DatabaseStats;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DatabaseService} in a map: records without files, every database an empty one of one page
 * ({@link #STATS}).
 */
public final class FakeDatabases implements DatabaseService {

  /** What every database measures. */
  public static final DatabaseStats STATS = new DatabaseStats(4096, 0);

  private final Map<DatabaseId, DatabaseRecord> records = new ConcurrentHashMap<>();

  @Override
  public DatabaseRecord create(AccountId account, NewDatabase spec) {
    if (records.values().stream()
        .anyMatch(r -> r.account().equals(account) && r.name().equals(spec.name()))) {
      throw new D1Exception.DuplicateName();
    }
    DatabaseRecord r =
        new DatabaseRecord(
            DatabaseId.random(),
            account,
            spec.name(),
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            spec.locationHint(),
            spec.jurisdiction(),
            spec.locationHint().orElse(Region.WNAM),
            spec.readReplicationMode());
    records.put(r.id(), r);
    return r;
  }

  /** A branch starts empty here too: the fake only checks that its source exists. */
  @Override
  public DatabaseRecord branch(AccountId account, NewDatabase spec, BranchPoint from) {
    resolve(account, from.database());
    return create(account, spec);
  }

  @Override
  public DatabaseRecord resolve(AccountId account, String idOrName) {
    return find(account, idOrName);
  }

  @Override
  public DatabaseRecord find(AccountId account, String idOrName) {
    return records.values().stream()
        .filter(r -> r.account().equals(account))
        .filter(r -> r.id().toString().equals(idOrName) || r.name().equals(idOrName))
        .findFirst()
        .orElseThrow(D1Exception.DatabaseNotFound::new);
  }

  @Override
  public DatabasePage list(AccountId account, Optional<String> nameFilter, int page, int perPage) {
    List<DatabaseRecord> all =
        records.values().stream()
            .filter(r -> r.account().equals(account))
            .filter(r -> nameFilter.map(f -> r.name().contains(f)).orElse(true))
            .sorted(Comparator.comparing(DatabaseRecord::createdAt))
            .toList();
    List<DatabaseRecord> items =
        all.stream().skip((long) (page - 1) * perPage).limit(perPage).toList();
    return new DatabasePage(items, all.size());
  }

  @Override
  public DatabaseStats stats(DatabaseRecord db) {
    return STATS;
  }

  @Override
  public DatabaseRecord setReadReplication(DatabaseRecord db, String mode) {
    DatabaseRecord updated = db.withReadReplicationMode(mode);
    records.put(db.id(), updated);
    return updated;
  }

  @Override
  public void delete(DatabaseRecord db) {
    records.remove(db.id());
  }
}
