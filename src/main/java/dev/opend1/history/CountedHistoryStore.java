package dev.opend1.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A history store that counts every byte a database's history puts on disk and takes off it, so
 * that the history's size on disk is what {@link HistoryCounters} says was written less what was
 * removed: snapshots whole (those retention takes, a restore's image, a new database's first
 * state), small files (segment index files, the format stamp, the checkpoint's seq), and what
 * deletions, replacements and cuts remove. Segment records are counted as they are appended ({@link
 * DatabaseHistory}), since they are written through the channel {@link #openAppend} gives.
 */
final class CountedHistoryStore implements HistoryStore {

  private final HistoryStore store;
  private final HistoryCounters counters;

  CountedHistoryStore(HistoryStore store, HistoryCounters counters) {
    this.store = store;
    this.counters = counters;
  }

  @Override
  public void put(String name, Path built) throws IOException {
    long size = Files.size(built);
    long replaced = sizeOf(name);
    store.put(name, built);
    counters.snapshotBytes.add(size);
    counters.removedBytes.add(replaced);
  }

  @Override
  public void writeSmall(String name, byte[] content) throws IOException {
    long replaced = sizeOf(name);
    store.writeSmall(name, content);
    counters.metadataBytes.add(content.length);
    counters.removedBytes.add(replaced);
  }

  @Override
  public void delete(String name) throws IOException {
    long size = sizeOf(name);
    store.delete(name);
    counters.removedBytes.add(size);
  }

  @Override
  public void truncate(String name, long size) throws IOException {
    long before = sizeOf(name);
    store.truncate(name, size);
    counters.removedBytes.add(Math.max(0, before - size));
  }

  /** An object's size on local disk now; 0 when it is missing or the store keeps no local file. */
  private long sizeOf(String name) throws IOException {
    Optional<Path> file = store.localFile(name);
    if (file.isEmpty()) {
      return 0;
    }
    try {
      return Files.size(file.get());
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  @Override
  public List<String> names() throws IOException {
    return store.names();
  }

  @Override
  public FileChannel openAppend(String name) throws IOException {
    return store.openAppend(name);
  }

  @Override
  public FileChannel openRead(String name) throws IOException {
    return store.openRead(name);
  }

  @Override
  public Optional<Path> localFile(String name) {
    return store.localFile(name);
  }

  @Override
  public Path scratch(String name) throws IOException {
    return store.scratch(name);
  }

  @Override
  public void sync(String name, FileChannel segment, long end) throws IOException {
    store.sync(name, segment, end);
  }

  @Override
  public void sync(FileChannel segment) throws IOException {
    store.sync(segment);
  }

  @Override
  public void clearScratch() throws IOException {
    store.clearScratch();
  }

  @Override
  public byte[] readSmall(String name) throws IOException {
    return store.readSmall(name);
  }
}
