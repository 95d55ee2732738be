package dev.opend1.history;

import dev.opend1.core.DataLayout;
import dev.opend1.engine.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Rebuilds one database's local history from object storage: its log objects become local segments
 * (as of a point in time, if asked), the snapshots it needs are downloaded. The database file is
 * not written here: the engine builds it from the history when it first opens it, as after any
 * failure.
 *
 * <p>Every object is checked on the way: each record's checksum, seqs that follow one another
 * across objects, and the hash chain from the first record on, so a torn, missing or altered object
 * stops the recovery of that database with a message saying which.
 */
public final class RemoteRestore {

  private RemoteRestore() {}

  /** Bytes downloaded so far, and records checked, for progress. */
  @FunctionalInterface
  public interface Progress {
    void downloaded(long bytes);

    /** {@code records} records are checked and laid down so far. */
    default void replayed(long records) {}
  }

  /**
   * What one database's objects in the bucket are.
   *
   * @param databaseId its id
   * @param logs its log objects by first seq: the one chain {@link LogChain} follows
   * @param snapshots its snapshots that chain may start from, by seq
   * @param stale objects left out of the chain: a superseded writer's
   * @param metadata its metadata objects, oldest first
   * @param deletedAtMicros when it was deleted, if it was
   */
  public record Objects(
      String databaseId,
      TreeMap<Long, String> logs,
      TreeMap<Long, String> snapshots,
      List<String> stale,
      List<String> metadata,
      OptionalLong deletedAtMicros) {}

  /** Log objects downloaded ahead at most. */
  static final int IN_FLIGHT = 16;

  /** Downloads objects in order, up to {@link #IN_FLIGHT} ahead of the one being read. */
  private static final class Prefetch {
    private final ObjectStore store;
    private final Iterator<String> names;
    private final Executor downloads;
    private final ArrayDeque<CompletableFuture<byte[]>> ahead = new ArrayDeque<>();

    Prefetch(ObjectStore store, Collection<String> names, Executor downloads) {
      this.store = store;
      this.names = List.copyOf(names).iterator();
      this.downloads = downloads;
    }

    byte[] next() throws IOException {
      while (ahead.size() < IN_FLIGHT && names.hasNext()) {
        String name = names.next();
        ahead.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return store
                        .get(name)
                        .orElseThrow(() -> new IOException(name + " vanished while read"));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                downloads));
      }
      try {
        return ahead.remove().join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        throw e;
      }
    }

    void cancel() {
      ahead.forEach(f -> f.cancel(false));
    }
  }

  /** What was rebuilt: records kept, the last one's seq and time, bytes downloaded. */
  public record Result(long records, long lastSeq, long lastTimeMicros, long bytes) {}

  /** Every database in the bucket, by id, from one listing of {@code db/}. */
  public static Map<String, Objects> databases(ObjectStore store) throws IOException {
    return listed(store, "db/");
  }

  /** One database's objects, from a listing of {@code db/<id>/}; empty when it has none. */
  public static Optional<Objects> database(ObjectStore store, String databaseId)
      throws IOException {
    return Optional.ofNullable(listed(store, "db/" + databaseId + "/").get(databaseId));
  }

  private static Map<String, Objects> listed(ObjectStore store, String prefix) throws IOException {
    Map<String, List<String>> names = new TreeMap<>();
    Map<String, OptionalLong> deleted = new TreeMap<>();
    for (ObjectStore.Listed o : store.list(prefix)) {
      String rest = o.name().substring(3);
      int slash = rest.indexOf('/');
      if (slash < 0) {
        continue;
      }
      String id = rest.substring(0, slash);
      names.computeIfAbsent(id, k -> new ArrayList<>()).add(o.name());
      OptionalLong time = BucketNames.tombstoneTime(rest.substring(slash + 1));
      if (time.isPresent() || !deleted.containsKey(id)) {
        deleted.put(id, time);
      }
    }
    Map<String, Objects> out = new TreeMap<>();
    names.forEach(
        (id, all) -> {
          LogChain chain = LogChain.follow(all);
          List<BucketNames.MetaName> metas = new ArrayList<>();
          for (String n : all) {
            BucketNames.MetaName m = BucketNames.metaName(n);
            if (m != null) {
              metas.add(m);
            }
          }
          metas.sort(java.util.Comparator.comparingLong(BucketNames.MetaName::timeMicros));
          out.put(
              id,
              new Objects(
                  id,
                  chain.logs(),
                  chain.snapshots(),
                  chain.stale(),
                  metas.stream().map(BucketNames.MetaName::name).toList(),
                  deleted.get(id)));
        });
    return out;
  }

  /**
   * The metadata ({@code meta.json}) the bucket holds for a database as of {@code atMicros}: the
   * newest stored at or before it, or the oldest when every one is later (the first is stored a
   * moment after the database's first commit); the newest when {@code atMicros} is empty.
   */
  public static Optional<byte[]> metadata(ObjectStore store, Objects db, OptionalLong atMicros)
      throws IOException {
    String chosen = null;
    for (String name : db.metadata()) {
      long time = BucketNames.metaName(name).timeMicros();
      if (chosen == null || atMicros.isEmpty() || time <= atMicros.getAsLong()) {
        chosen = name;
      }
    }
    return chosen == null ? Optional.empty() : store.get(chosen);
  }

  /**
   * Rebuilds the history of {@code db} in {@code historyDir} (which must be empty or absent) with
   * every record committed at or before {@code atMicros} (all when empty). Returns empty when the
   * database had no record yet at that time.
   */
  public static Optional<Result> recover(
      ObjectStore store, Objects db, Path historyDir, OptionalLong atMicros, Progress progress)
      throws IOException {
    return recover(store, db, historyDir, atMicros, progress, Runnable::run);
  }

  /**
   * As {@link #recover(ObjectStore, Objects, Path, OptionalLong, Progress)}, downloading up to
   * {@link #IN_FLIGHT} log objects ahead on {@code downloads} while the earlier ones are written.
   */
  public static Optional<Result> recover(
      ObjectStore store,
      Objects db,
      Path historyDir,
      OptionalLong atMicros,
      Progress progress,
      Executor downloads)
      throws IOException {
    Prefetch ahead = new Prefetch(store, db.logs().values(), downloads);
    LocalHistoryStore local = new LocalHistoryStore(historyDir);
    long bytes = 0;
    long records = 0;
    long lastSeq = -1;
    long lastTime = 0;
    byte[] previous = null;
    FileChannel segment = null;
    long segmentSize = 0;
    try {
      for (Map.Entry<Long, String> log : db.logs().entrySet()) {
        if (lastSeq >= 0 && log.getKey() != lastSeq + 1) {
          throw new IOException(
              "object storage lacks the records from seq "
                  + (lastSeq + 1)
                  + " of "
                  + db.databaseId()
                  + " (next object: "
                  + log.getValue()
                  + ")");
        }
        byte[] content = ahead.next();
        bytes += content.length;
        progress.downloaded(content.length);
        if (previous == null && log.getKey() == 0) {
          previous = RecordCodec.seedHash(db.databaseId());
        }
        List<LogObject.Entry> entries =
            LogObject.decode(log.getValue(), content, log.getKey(), previous);
        int keep = 0;
        for (LogObject.Entry e : entries) {
          if (atMicros.isPresent() && e.timeMicros() > atMicros.getAsLong()) {
            break;
          }
          keep = e.offset() + e.length();
          lastSeq = e.seq();
          lastTime = e.timeMicros();
          previous = e.hash();
          records++;
        }
        progress.replayed(records);
        if (keep > 0) {
          if (segment == null || segmentSize >= SegmentLog.SEGMENT_BYTES) {
            if (segment != null) {
              segment.force(false);
              segment.close();
            }
            segment = local.openAppend(SegmentLog.segName(entries.get(0).seq()));
            segmentSize = 0;
          }
          ByteBuffer b = ByteBuffer.wrap(content, 0, keep);
          while (b.hasRemaining()) {
            segmentSize += segment.write(b, segmentSize);
          }
        }
        if (keep < content.length) {
          break;
        }
      }
    } finally {
      ahead.cancel();
      if (segment != null) {
        segment.force(false);
        segment.close();
      }
    }
    if (records == 0) {
      return Optional.empty();
    }
    Long base = null;
    for (Map.Entry<Long, String> s : db.snapshots().entrySet()) {
      if (s.getKey() <= lastSeq) {
        Path scratch = local.scratch(SegmentLog.snapName(s.getKey()));
        long n = store.download(s.getValue(), scratch);
        bytes += n;
        progress.downloaded(n);
        local.put(SegmentLog.snapName(s.getKey()), scratch);
        base = s.getKey();
      }
    }
    if (base == null) {
      throw new IOException(
          "object storage holds no snapshot of " + db.databaseId() + " to replay its records on");
    }
    new SegmentLog(local, db.databaseId()).stamp();
    return Optional.of(new Result(records, lastSeq, lastTime, bytes));
  }

  /**
   * Lays a database's directory down from the bucket, as a server opens it: the history (as {@link
   * #recover}), the metadata of that time, and an empty database file, which the engine rebuilds
   * whole from the history at its first open. Nothing is left behind when it fails or the database
   * had no record by then (empty).
   */
  public static Optional<Result> layDown(
      ObjectStore store,
      Objects db,
      DataLayout.DatabaseDir dir,
      OptionalLong atMicros,
      Progress progress,
      Executor downloads)
      throws IOException {
    try {
      DurableFiles.createDirectory(dir.path());
      Optional<Result> r = recover(store, db, dir.historyDir(), atMicros, progress, downloads);
      if (r.isEmpty()) {
        DurableFiles.deleteTree(dir.path());
        return r;
      }
      Optional<byte[]> meta = metadata(store, db, atMicros);
      if (meta.isPresent()) {
        DurableFiles.writeAtomically(dir.metadataFile(), meta.get());
      }
      Files.createFile(dir.sqliteFile());
      DurableFiles.syncDirectory(dir.path());
      return r;
    } catch (IOException | RuntimeException e) {
      try {
        DurableFiles.deleteTree(dir.path());
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }
}
