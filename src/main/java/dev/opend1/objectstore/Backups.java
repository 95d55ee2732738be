package dev.opend1.objectstore;

import dev.opend1.config.ObjectStoreSettings;
import dev.opend1.core.DataLayout;
import dev.opend1.history.Replication;
import dev.opend1.history.WriterGeneration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Builds the object-store side of a server from its settings. */
public final class Backups {

  private Backups() {}

  /** Where the settings point, as a target. */
  public static ObjectStoreTarget target(ObjectStoreSettings s) {
    try {
      return ObjectStoreTarget.parse(s.url(), s.endpoint(), s.region());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("object-store " + s.url() + ": " + e.getMessage(), e);
    }
  }

  /** A store for {@code url} (for the commands that read a bucket: recover, doctor). */
  public static S3ObjectStore store(String url, Optional<String> endpoint, String region) {
    return S3ObjectStore.open(ObjectStoreTarget.parse(url, endpoint, region));
  }

  /**
   * The replication of a data directory's history, and of the catalog file when there is one, to
   * the configured store; not yet started (the history starts it).
   *
   * @param catalogFile the embedded catalog's file, copied to the bucket when it changed; empty
   *     when the catalog is in PostgreSQL, which is backed up with its own tools (the bucket gets a
   *     mark saying so, {@link CatalogElsewhere})
   */
  public static Replication replication(
      ObjectStoreSettings s, Path dataDir, Optional<Path> catalogFile, Duration retention) {
    return replication(
        s, dataDir, catalogFile, retention, WriterGeneration.startedAt(Clock.systemUTC()));
  }

  /**
   * As {@link #replication(ObjectStoreSettings, Path, Optional, Duration)}, writing each database's
   * objects under {@code generation} (a cluster node's lease epochs).
   */
  public static Replication replication(
      ObjectStoreSettings s,
      Path dataDir,
      Optional<Path> catalogFile,
      Duration retention,
      WriterGeneration generation) {
    S3ObjectStore store = S3ObjectStore.open(target(s));
    try {
      CatalogShipper catalog =
          catalogFile.isPresent()
              ? new CatalogShipper(
                  catalogFile.get(), store, new DataLayout(dataDir).tmpDir(), retention)
              : null;
      return new Replication(
          store,
          dataDir,
          s.sync() ? Replication.Durability.SYNC : Replication.Durability.ASYNC,
          Duration.ofMillis(Math.max(5, s.lag().toMillis() / 10)),
          s.maxLag(),
          retention,
          catalog == null ? new CatalogElsewhere(store) : catalog,
          generation,
          () -> {
            if (catalog != null) {
              catalog.close();
            }
            store.close();
          });
    } catch (IOException e) {
      store.close();
      throw new UncheckedIOException("prepare catalog copies: " + e.getMessage(), e);
    }
  }
}
