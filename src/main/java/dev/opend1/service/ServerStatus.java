package dev.opend1.service;

import dev.opend1.api.StatusService;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.engine.EngineCounters;
import dev.opend1.history.History;
import dev.opend1.history.HistoryCheck;
import dev.opend1.history.Replication;
import dev.opend1.transfer.TransferCounters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The status routes' {@link StatusService}: figures read from the engine, the transfers' counters
 * and {@link DiskFigures}; the online doctor runs SQLite's integrity check through the engine and
 * checks the history's continuity.
 */
final class ServerStatus implements StatusService {

  private final Engine engine;
  private final History history;
  private final TransferCounters transfers;
  private final DiskFigures disk;
  private final Path dataDir;

  ServerStatus(
      Engine engine, History history, TransferCounters transfers, DiskFigures disk, Path dataDir) {
    this.engine = engine;
    this.history = history;
    this.transfers = transfers;
    this.disk = disk;
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  @Override
  public Report report() {
    EngineCounters counters = engine.counters();
    return new Report(
        disk.freeBytes(),
        disk.databaseBytes(),
        disk.historyBytes(),
        engine.openDatabases(),
        counters.unavailable(),
        counters.queuedWrites(),
        engine.sqlTasksWaiting(),
        transfers.activeExports(),
        transfers.activeImports(),
        counters.lastCheckpointMillis(),
        history.replication().map(ServerStatus::objectStorage));
  }

  private static ObjectStorage objectStorage(Replication r) {
    return new ObjectStorage(
        r.describe(),
        r.mode().name().toLowerCase(Locale.ROOT),
        r.lagNanos() / 1e9,
        r.lagBytes(),
        r.counters().uploads.sum(),
        r.counters().uploadedBytes.sum(),
        r.counters().failures.sum(),
        r.counters().lastError(),
        List.copyOf(r.counters().fencedDatabases()));
  }

  @Override
  public Check check(DatabaseId id) throws InterruptedException {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long records = 0;
    if (!engine.exists(id)) {
      problems.add(
          "database " + id + " has no directory in " + new DataLayout(dataDir).databasesDir());
    } else {
      try {
        engine.integrityProblems(id).forEach(p -> problems.add("integrity_check: " + p));
      } catch (RuntimeException e) {
        problems.add("cannot be opened: " + e.getMessage());
      }
      HistoryCheck.Result h = history.check(id);
      problems.addAll(h.problems());
      notes.addAll(h.notes());
      records = h.records();
    }
    return new Check(problems, notes, records);
  }
}
