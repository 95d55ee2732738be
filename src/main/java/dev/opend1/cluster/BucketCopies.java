package dev.opend1.cluster;

import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.history.BucketNames;
import dev.opend1.history.ObjectStore;
import dev.opend1.history.RemoteRestore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link LocalCopies} in the data directory, rebuilt from the cluster's bucket. */
public final class BucketCopies implements LocalCopies {

  private static final Logger LOG = LoggerFactory.getLogger(BucketCopies.class);

  private final ObjectStore store;
  private final DataLayout layout;

  /** Downloads a rebuild's log objects ahead of the one being written. */
  private final Executor downloads;

  public BucketCopies(ObjectStore store, DataLayout layout, Executor downloads) {
    this.store = store;
    this.layout = layout;
    this.downloads = downloads;
  }

  @Override
  public boolean has(DatabaseId id) {
    return Files.isDirectory(layout.database(id.toString()).path());
  }

  @Override
  public void rebuild(DatabaseId id, long generation) throws IOException {
    long start = System.nanoTime();
    String name = id.toString();
    store.putIfAbsent(BucketNames.claim(name, generation), new byte[0]);
    RemoteRestore.Objects objects =
        RemoteRestore.database(store, name)
            .orElseThrow(() -> new IOException("the bucket holds no history of database " + id));
    if (objects.deletedAtMicros().isPresent()) {
      throw new IOException("database " + id + " was deleted");
    }
    RemoteRestore.Result r =
        RemoteRestore.layDown(
                store, objects, layout.database(name), OptionalLong.empty(), n -> {}, downloads)
            .orElseThrow(
                () -> new IOException("the bucket holds no record of database " + id + " yet"));
    LOG.info(
        "took database {} over from the bucket: {} records to seq {}, {} bytes, in {} ms",
        id,
        r.records(),
        r.lastSeq(),
        r.bytes(),
        (System.nanoTime() - start) / 1_000_000);
  }
}
