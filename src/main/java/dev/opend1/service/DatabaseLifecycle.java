package dev.opend1.service;

import dev.opend1.api.DatabaseService;
import dev.opend1.catalog.Account;
import dev.opend1.catalog.Accounts;
import dev.opend1.catalog.DatabaseMetadata;
import dev.opend1.catalog.DatabasePage;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.catalog.DatabaseRecords;
import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.DatabaseStats;
import dev.opend1.engine.Engine;
import dev.opend1.engine.StateImage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database lifecycle across the catalog (records, names) and the engine (files). Each change is a
 * sequence of steps that a crash can interrupt anywhere; {@link #recover}, run before the server
 * listens, finishes or undoes it at the next start.
 */
public final class DatabaseLifecycle implements DatabaseService {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseLifecycle.class);

  private final Accounts accounts;
  private final DatabaseRecords records;
  private final Engine engine;

  /** Past states of databases, which branches start from. */
  private final PastImages pastImages;

  private final Region defaultRegion;
  private final int maxPerAccount;

  /** Whether this server may serve a database (a cluster node's leases). */
  private final Ownership ownership;

  /**
   * Creates that failed and whose record could not be removed then either (a full disk refuses that
   * write too): removed before the next create, so their names are free again without a restart.
   */
  private final java.util.Set<DatabaseId> abandoned =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param defaultRegion where a database without a location hint or jurisdiction is created
   * @param maxPerAccount how many databases an account may have
   * @param ownership asked before a database is created or served
   */
  public DatabaseLifecycle(
      Accounts accounts,
      DatabaseRecords records,
      Engine engine,
      PastImages pastImages,
      Region defaultRegion,
      int maxPerAccount,
      Ownership ownership) {
    this.ownership = ownership;
    this.accounts = accounts;
    this.records = records;
    this.engine = engine;
    this.pastImages = pastImages;
    this.defaultRegion = defaultRegion;
    this.maxPerAccount = maxPerAccount;
  }

  /**
   * Removes what crashed creates and deletes left behind (only those: the work before the server
   * listens does not grow with the number of databases), then has the engine look at every
   * database's files once in the background, so one that went missing or was damaged while the
   * server was down is logged soon after the start (once) and answers as unavailable rather than
   * failing each request; requests look again when they open a database. Each database's crash
   * recovery waits for its first use.
   */
  public void recover() {
    engine.recover();
    for (DatabaseId id : records.unfinished()) {
      LOG.info("finishing an interrupted create or delete of database {}", id);
      engine.deleteDatabase(id);
      records.remove(id);
    }
    // One thread for one pass: shut down at once, it ends when the pass does.
    java.util.concurrent.ExecutorService prober = DaemonPools.fixed("opend1-probe", 1);
    prober.execute(
        () -> {
          try {
            everyDatabase().forEach(engine::probe);
          } catch (RuntimeException e) {
            LOG.warn("looking at every database's files failed: {}", e.getMessage());
          }
        });
    prober.shutdown();
  }

  /** Every database of the catalog, account by account. */
  private java.util.List<DatabaseId> everyDatabase() {
    java.util.List<DatabaseId> ids = new java.util.ArrayList<>();
    for (Account account : accounts.list()) {
      for (int page = 1; ; page++) {
        DatabasePage databases = records.list(account.id(), Optional.empty(), page, 10_000);
        databases.items().forEach(d -> ids.add(d.id()));
        if (databases.items().size() < 10_000) {
          break;
        }
      }
    }
    return ids;
  }

  @Override
  public DatabaseRecord create(AccountId account, NewDatabase spec) {
    return create(account, spec, Optional.empty());
  }

  /**
   * Branches a database: the source and its state at the bookmark or time are found (and refused)
   * before anything is claimed; then the new database is created as any other, its file written
   * from that state instead of made empty. The source is only read.
   */
  @Override
  public DatabaseRecord branch(AccountId account, NewDatabase spec, BranchPoint from) {
    DatabaseRecord source = resolve(account, from.database());
    StateImage start = pastImages.at(source.id(), from.bookmark(), from.timestamp());
    return create(account, spec, Optional.of(start));
  }

  /**
   * Creates a database: claim the name, make the files (empty, or holding {@code content}), then
   * make it visible. If the files cannot be made, the name is released again; a crash before the
   * record is visible leaves a {@code creating} record that {@link #recover} removes with its
   * files.
   */
  private DatabaseRecord create(AccountId account, NewDatabase spec, Optional<StateImage> content) {
    removeAbandoned();
    DatabaseRecord record =
        new DatabaseRecord(
            DatabaseId.random(),
            account,
            spec.name(),
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            spec.jurisdiction().isPresent() ? Optional.empty() : spec.locationHint(),
            spec.jurisdiction(),
            spec.jurisdiction()
                .map(j -> Region.forJurisdiction(j, defaultRegion))
                .orElseGet(() -> spec.locationHint().orElse(defaultRegion)),
            spec.readReplicationMode());
    byte[] metadata = DatabaseMetadata.toJson(record);
    register(
        record,
        () ->
            content.ifPresentOrElse(
                image -> engine.createDatabase(record.id(), image, metadata),
                () -> engine.createDatabase(record.id(), metadata)));
    return record;
  }

  /**
   * Creates a database named {@code name} in {@code like}'s account, with its settings (location,
   * jurisdiction, read replication), whose file holds {@code image}: a database recovered from
   * object storage. The same steps as {@link #create}: claim the name, make the files, make it
   * visible; on failure nothing of it is left and the name is free. The account must still exist.
   */
  public DatabaseRecord createFrom(DatabaseRecord like, String name, StateImage image) {
    if (accounts.find(like.account()).isEmpty()) {
      throw new D1Exception.InvalidRequest(
          "the account " + like.account().value() + " of that database is not on this server");
    }
    removeAbandoned();
    DatabaseRecord record =
        new DatabaseRecord(
            DatabaseId.random(),
            like.account(),
            name,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            like.locationHint(),
            like.jurisdiction(),
            like.createdInRegion(),
            like.readReplicationMode());
    register(
        record, () -> engine.createDatabase(record.id(), image, DatabaseMetadata.toJson(record)));
    return record;
  }

  /** Claims the record's name, makes its files with {@code files}, then makes it visible. */
  private void register(DatabaseRecord record, Runnable files) {
    try {
      records.reserve(record, maxPerAccount);
      try {
        ownership.creating(record.id());
        files.run();
      } catch (RuntimeException e) {
        ownership.gone(record.id());
        try {
          records.remove(record.id());
        } catch (RuntimeException again) {
          abandoned.add(record.id());
          e.addSuppressed(again);
        }
        throw e;
      }
      records.activate(record.id());
    } catch (RuntimeException e) {
      // A branch whose bookmark needs a damaged record of the source's history: none was made.
      Optional<D1Exception.HistoryDamaged> damaged = D1Exception.HistoryDamaged.in(e);
      if (damaged.isPresent()) {
        throw damaged.get();
      }
      if (D1Exception.BackupUnavailable.in(e).isPresent()) {
        throw new D1Exception.BackupUnavailable(
            "the database could not be stored in object storage and was not created");
      }
      throw D1Exception.DiskFull.orCause(e, "the database was not created");
    }
  }

  /** Removes the records of failed creates that could not be removed when they failed. */
  private void removeAbandoned() {
    for (DatabaseId id : abandoned) {
      try {
        engine.deleteDatabase(id);
        records.remove(id);
        abandoned.remove(id);
      } catch (RuntimeException stillFailing) {
        LOG.warn("removing the failed create of {}: {}", id, stillFailing.getMessage());
      }
    }
  }

  @Override
  public DatabaseRecord resolve(AccountId account, String idOrName) {
    DatabaseRecord db = find(account, idOrName);
    ownership.serve(db.id());
    return db;
  }

  @Override
  public DatabaseRecord find(AccountId account, String idOrName) {
    Optional<DatabaseRecord> found =
        DatabaseId.looksLikeId(idOrName)
            ? records.find(account, DatabaseId.parse(idOrName).orElseThrow())
            : records.findByName(account, idOrName);
    return found.orElseThrow(D1Exception.DatabaseNotFound::new);
  }

  @Override
  public DatabasePage list(AccountId account, Optional<String> nameFilter, int page, int perPage) {
    return records.list(account, nameFilter, page, perPage);
  }

  @Override
  public DatabaseStats stats(DatabaseRecord db) {
    return engine.stats(db.id());
  }

  /** Sets the read replication mode in the catalog and in the metadata file beside the database. */
  @Override
  public DatabaseRecord setReadReplication(DatabaseRecord db, String mode) {
    DatabaseRecord updated =
        records
            .setReadReplication(db.account(), db.id(), mode)
            .orElseThrow(D1Exception.DatabaseNotFound::new);
    engine.writeMetadata(updated.id(), DatabaseMetadata.toJson(updated));
    return updated;
  }

  /**
   * Deletes a database: hide it, have the deletion recorded where it must be first (object
   * storage), remove its files, free its name. If the deletion cannot be recorded, the database is
   * visible again and nothing of it was deleted.
   */
  @Override
  public void delete(DatabaseRecord db) {
    records.markDeleting(db.id());
    try {
      engine.announceDelete(db.id());
    } catch (RuntimeException e) {
      records.activate(db.id());
      throw e;
    }
    engine.deleteDatabase(db.id());
    records.remove(db.id());
    ownership.gone(db.id());
  }
}
