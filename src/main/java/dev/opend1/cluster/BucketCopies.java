package dev.opend1.cluster;

import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DurableFiles;
import dev.opend1.history.BucketNames;
import dev.opend1.history.CopyCheck;
import dev.opend1.history.ObjectStore;
import dev.opend1.history.RemoteRestore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link LocalCopies} in the data directory, rebuilt from the cluster's bucket. */
public final class BucketCopies implements LocalCopies {

  private static final Logger LOG = LoggerFactory.getLogger(BucketCopies.class);

  /**
   * The engine's side of replacing a copy: closes the database here (its running requests finish or
   * are refused, as before a delete), has what is open of it forgotten, puts {@code replacement} in
   * the place of its directory when given, and lets it open again at its next use.
   */
  @FunctionalInterface
  public interface Reopen {
    void reopen(DatabaseId id, Optional<Path> replacement) throws IOException;
  }

  private final ObjectStore store;
  private final DataLayout layout;

  /** Downloads a rebuild's log objects ahead of the one being written. */
  private final Executor downloads;

  private final Reopen files;

  /** Numbers the scratch directories of rebuilds, so two never share one. */
  private final AtomicLong scratch = new AtomicLong();

  public BucketCopies(ObjectStore store, DataLayout layout, Executor downloads, Reopen files) {
    this.store = store;
    this.layout = layout;
    this.downloads = downloads;
    this.files = files;
  }

  @Override
  public boolean has(DatabaseId id) {
    return Files.isDirectory(layout.database(id.toString()).path());
  }

  @Override
  public boolean unchecked(DatabaseId id) {
    return Files.exists(layout.database(id.toString()).uncheckedMark());
  }

  @Override
  public long highestClaim(DatabaseId id) throws IOException {
    long highest = 0;
    for (ObjectStore.Listed c : store.list(BucketNames.claims(id.toString()))) {
      OptionalLong g = BucketNames.claimGeneration(c.name());
      if (g.isPresent() && g.getAsLong() > highest) {
        highest = g.getAsLong();
      }
    }
    return highest;
  }

  @Override
  public void rebuild(DatabaseId id, long generation) throws IOException {
    long start = System.nanoTime();
    store.putIfAbsent(BucketNames.claim(id.toString(), generation), new byte[0]);
    RemoteRestore.Result r = layDown(id, layout.database(id.toString()));
    logRebuilt(id, "took database {} over from the bucket", r, start);
  }

  @Override
  public boolean refresh(DatabaseId id, long generation) throws IOException {
    long start = System.nanoTime();
    String name = id.toString();
    DataLayout.DatabaseDir dir = layout.database(name);
    DurableFiles.writeAtomically(dir.uncheckedMark(), new byte[0]);
    store.putIfAbsent(BucketNames.claim(name, generation), new byte[0]);
    CopyCheck.Verdict verdict = CopyCheck.check(store, name, dir.historyDir());
    if (verdict.keeps()) {
      files.reopen(id, Optional.empty());
      Files.delete(dir.uncheckedMark());
      LOG.info("database {}: the copy here is {}, kept", id, verdict);
      return false;
    }
    // Laid down beside the copy (tmp/ is emptied at start), then put in its place.
    Path beside = layout.tmpDir().resolve("rebuild-" + name + "-" + scratch.incrementAndGet());
    RemoteRestore.Result r = layDown(id, new DataLayout.DatabaseDir(beside));
    try {
      files.reopen(id, Optional.of(beside));
    } catch (IOException | RuntimeException e) {
      try {
        DurableFiles.deleteTree(beside);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    logRebuilt(id, "database {}: the copy here was " + verdict + ", rebuilt", r, start);
    return true;
  }

  /** Lays the database's directory down in {@code dir} from the bucket. */
  private RemoteRestore.Result layDown(DatabaseId id, DataLayout.DatabaseDir dir)
      throws IOException {
    RemoteRestore.Objects objects =
        RemoteRestore.database(store, id.toString())
            .orElseThrow(() -> new IOException("the bucket holds no history of database " + id));
    if (objects.deletedAtMicros().isPresent()) {
      throw new IOException("database " + id + " was deleted");
    }
    return RemoteRestore.layDown(store, objects, dir, OptionalLong.empty(), n -> {}, downloads)
        .orElseThrow(
            () -> new IOException("the bucket holds no record of database " + id + " yet"));
  }

  private static void logRebuilt(DatabaseId id, String what, RemoteRestore.Result r, long start) {
    LOG.info(
        what + ": {} records to seq {}, {} bytes, in {} ms",
        id,
        r.records(),
        r.lastSeq(),
        r.bytes(),
        (System.nanoTime() - start) / 1_000_000);
  }
}
