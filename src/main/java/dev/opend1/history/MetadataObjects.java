package dev.opend1.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;

/**
 * One database's record kept current in the bucket: a new immutable object ({@code
 * meta/<time>.g<gen>.json}) whenever the local {@code meta.json} holds other bytes than the newest
 * stored one (at the first shipment, after a setting was patched). Checked on every shipper pass by
 * the file's time, so an unchanged file is not read. Used under its {@link Replica}'s monitor.
 */
final class MetadataObjects {

  private final String databaseId;
  private final ObjectStore remote;
  private final Path file;
  private final long generation;
  private final ReplicationCounters counters;

  /** What the newest stored object holds (null when none is known), and the file's time read. */
  private byte[] stored;

  private FileTime readAt;

  MetadataObjects(
      String databaseId,
      ObjectStore remote,
      Path file,
      long generation,
      ReplicationCounters counters) {
    this.databaseId = databaseId;
    this.remote = remote;
    this.file = file;
    this.generation = generation;
    this.counters = counters;
  }

  /** Whether the bucket's newest record is known (read at start, or stored since). */
  boolean knowsStored() {
    return stored != null;
  }

  /** The bucket's newest record, as read from it. */
  void stored(byte[] content) {
    stored = content;
  }

  /** Stores the local record when it changed since the newest stored one. */
  void shipIfChanged() throws IOException {
    FileTime time;
    try {
      time = Files.getLastModifiedTime(file);
    } catch (NoSuchFileException none) {
      return;
    }
    if (time.equals(readAt)) {
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (!Arrays.equals(bytes, stored)) {
      Instant now = Instant.now();
      long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
      remote.putIfAbsent(BucketNames.meta(databaseId, micros, generation), bytes);
      counters.uploaded(bytes.length);
      stored = bytes;
    }
    readAt = time;
  }
}
