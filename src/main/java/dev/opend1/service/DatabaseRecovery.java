package dev.opend1.service;

import dev.opend1.api.RecoveryService;
import dev.opend1.catalog.DatabaseMetadata;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.DurableFiles;
import dev.opend1.history.ObjectStore;
import dev.opend1.history.RecoveredState;
import dev.opend1.history.RemoteRestore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database recovered from the server's own object store into the running server, as a new
 * database ({@code opend1 recover --database}): its history is rebuilt and checked by {@link
 * RemoteRestore} in a scratch directory under {@code tmp/} (emptied at every start, so a crash
 * leaves nothing), its state at the chosen time is written into the new database's file, and the
 * database is registered by the same crash-safe steps as a create ({@link
 * DatabaseLifecycle#createFrom}). The new database's history starts at the recovered state.
 */
public final class DatabaseRecovery implements RecoveryService {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseRecovery.class);

  /** Downloads running at once for one recovery. */
  private static final int DOWNLOADS = 8;

  private static final DateTimeFormatter SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** The store the server ships to; empty when none is configured. */
  private final Optional<ObjectStore> store;

  private final DatabaseLifecycle databases;

  /** Recoveries started with {@link #start}, polled with {@link #job}. */
  private final RecoveryJobs jobs = new RecoveryJobs();

  /** Where scratch histories are rebuilt: the engine's {@code tmp/}. */
  private final Path tmpDir;

  public DatabaseRecovery(Optional<ObjectStore> store, DatabaseLifecycle databases, Path tmpDir) {
    this.store = store;
    this.databases = databases;
    this.tmpDir = tmpDir;
  }

  @Override
  public Recovered recover(String sourceId, Optional<Instant> at, Optional<String> name) {
    return run(checked(sourceId), sourceId, at, name, new RecoveryJobs.Progress());
  }

  @Override
  public String start(String sourceId, Optional<Instant> at, Optional<String> name) {
    ObjectStore s = checked(sourceId);
    return jobs.start(progress -> run(s, sourceId, at, name, progress));
  }

  @Override
  public Job job(String id) {
    return jobs.job(id);
  }

  /** The store to recover from, once what needs no download is checked. */
  private ObjectStore checked(String sourceId) {
    ObjectStore s =
        store.orElseThrow(
            () ->
                new D1Exception.InvalidRequest(
                    "this server has no object store (--object-store): there is nothing to"
                        + " recover a database from"));
    if (DatabaseId.parse(sourceId).isEmpty()) {
      throw new D1Exception.InvalidRequest("database_id " + sourceId + " is not a database UUID");
    }
    return s;
  }

  private Recovered run(
      ObjectStore s,
      String sourceId,
      Optional<Instant> at,
      Optional<String> name,
      RecoveryJobs.Progress progress) {
    long start = System.nanoTime();
    AtomicLong bytes = progress.bytes;
    Path scratch = tmpDir.resolve("recover-" + UUID.randomUUID());
    ExecutorService downloads = DaemonPools.fixed("opend1-recover", DOWNLOADS);
    try {
      RemoteRestore.Objects objects =
          RemoteRestore.database(s, sourceId)
              .filter(o -> !o.logs().isEmpty())
              .orElseThrow(D1Exception.DatabaseNotFound::new);
      OptionalLong atMicros =
          at.map(DatabaseRecovery::micros).map(OptionalLong::of).orElse(OptionalLong.empty());
      DatabaseRecord like =
          DatabaseMetadata.fromJson(
              RemoteRestore.metadata(s, objects, atMicros)
                  .orElseThrow(D1Exception.DatabaseNotFound::new));
      String newName =
          name.orElseGet(() -> like.name() + "-recovered-" + SUFFIX.format(Instant.now()));
      DurableFiles.createDirectory(tmpDir);
      DurableFiles.createDirectory(scratch);
      Path history = scratch.resolve("history");
      RemoteRestore.Result r =
          RemoteRestore.recover(
                  s,
                  objects,
                  history,
                  atMicros,
                  new RemoteRestore.Progress() {
                    @Override
                    public void downloaded(long n) {
                      bytes.addAndGet(n);
                    }

                    @Override
                    public void replayed(long records) {
                      progress.records.set(records);
                    }
                  },
                  downloads)
              .orElseThrow(
                  () ->
                      new D1Exception.InvalidRequest(
                          "database " + sourceId + " had no commit by " + at.orElseThrow()));
      DatabaseRecord made;
      try (RecoveredState state = RecoveredState.open(sourceId, history)) {
        made = databases.createFrom(like, newName, state.image());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info(
          "recovered database {} as {} ({}): {} records, {} bytes in {} s",
          sourceId,
          made.id(),
          made.name(),
          r.records(),
          bytes.get(),
          String.format("%.1f", seconds));
      return new Recovered(
          made,
          sourceId,
          r.records(),
          Instant.ofEpochSecond(0, r.lastTimeMicros() * 1000),
          bytes.get(),
          seconds);
    } catch (IOException e) {
      throw new D1Exception.BackupUnavailable(
          "database "
              + sourceId
              + " could not be recovered from object storage: "
              + e.getMessage());
    } finally {
      downloads.shutdownNow();
      try {
        DurableFiles.deleteTree(scratch);
      } catch (IOException e) {
        LOG.warn("removing {}: {}", scratch, e.getMessage());
      }
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }
}
