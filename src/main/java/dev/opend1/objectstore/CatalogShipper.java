package dev.opend1.objectstore;

import dev.opend1.catalog.CatalogCopy;
import dev.opend1.history.BucketNames;
import dev.opend1.history.ObjectStore;
import dev.opend1.history.Replication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * Stores a copy of the catalog (accounts, token hashes, database records) in object storage each
 * time it changed, as {@code catalog/<time>.sqlite}, so a fresh machine can be rebuilt from the
 * bucket alone. Copies older than the retention window go, except the newest of them (the state at
 * the window's start).
 */
public final class CatalogShipper implements Replication.CatalogCopies, AutoCloseable {

  /** Copies stored between two sweeps of old ones. */
  private static final int SWEEP_EVERY = 50;

  private final CatalogCopy copy;
  private final ObjectStore store;
  private final Path scratch;
  private final Duration retention;
  private int sinceSweep = SWEEP_EVERY;

  /**
   * @param catalogFile the catalog's SQLite file
   * @param scratch a directory for the copy being made
   */
  public CatalogShipper(Path catalogFile, ObjectStore store, Path scratch, Duration retention)
      throws IOException {
    this.copy = CatalogCopy.open(catalogFile);
    this.store = store;
    this.scratch = scratch;
    this.retention = retention;
  }

  @Override
  public synchronized void storeIfChanged() throws IOException {
    if (!copy.changed()) {
      return;
    }
    Files.createDirectories(scratch);
    Path file = scratch.resolve("catalog-copy.sqlite.tmp");
    try {
      copy.copyTo(file);
      Instant now = Instant.now();
      long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
      if (!store.putIfAbsent(BucketNames.catalog(micros), file)) {
        throw new IOException("a catalog copy of the same microsecond exists: another server?");
      }
    } finally {
      Files.deleteIfExists(file);
    }
    if (++sinceSweep >= SWEEP_EVERY) {
      sinceSweep = 0;
      sweep();
    }
  }

  /** Deletes copies older than the window but the newest of them. */
  private void sweep() throws IOException {
    Instant cutoff = Instant.now().minus(retention);
    long cutoffMicros = cutoff.getEpochSecond() * 1_000_000 + cutoff.getNano() / 1000;
    List<ObjectStore.Listed> copies = store.list("catalog/");
    String newestOld = null;
    for (ObjectStore.Listed o : copies) {
      OptionalLong t = BucketNames.catalogTime(o.name());
      if (t.isPresent() && t.getAsLong() < cutoffMicros) {
        if (newestOld != null) {
          store.delete(newestOld);
        }
        newestOld = o.name();
      }
    }
  }

  @Override
  public void close() {
    copy.close();
  }
}
