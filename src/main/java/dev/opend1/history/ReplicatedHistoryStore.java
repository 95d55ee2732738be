package dev.opend1.history;

import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A local history that is also shipped to object storage: every call goes to the local directory,
 * and a segment's sync also ships it ({@code sync} durability: the commit waits for the upload) or
 * notes it for the background shipper ({@code async}: the commit waits only while the lag is past
 * its bounds, and is refused once the shipper found a newer server's claim on the database). A
 * failed sync fails the commits it covers, which are then not applied: the history cuts them back
 * and the database is rebuilt, as after a failed fsync.
 */
final class ReplicatedHistoryStore implements HistoryStore {

  private final LocalHistoryStore local;
  private final Replica replica;
  private final Replication replication;

  ReplicatedHistoryStore(LocalHistoryStore local, Replica replica, Replication replication) {
    this.local = local;
    this.replica = replica;
    this.replication = replication;
  }

  @Override
  public boolean syncsLocally() {
    return false;
  }

  @Override
  public void sync(String name, FileChannel segment, long end) throws IOException {
    local.sync(segment);
    if (replication.durability() == Replication.Durability.SYNC) {
      try {
        replication.catalogFirst();
        replica.ship(name, end);
        replication.succeeded();
      } catch (IOException | RuntimeException e) {
        replication.failed(replica, e);
        throw unavailable("the write could not be stored in object storage", e);
      }
      return;
    }
    // Checked before the bytes are noted: a refused commit is cut back, so it is never shipped.
    // A fenced database is written by a newer server now: answering a write here would lose it.
    String fenced = replica.fenced();
    if (fenced != null) {
      throw unavailable("the write could not be stored in object storage", new IOException(fenced));
    }
    replication.throttle(replica);
    replica.note(name, end);
    replication.noted();
  }

  @Override
  public void sync(FileChannel segment) throws IOException {
    local.sync(segment);
  }

  /** A failure whose cause tells the HTTP edge to answer 503: the store, not the request. */
  static IOException unavailable(String what, Exception e) {
    IOException io =
        new IOException(what + ": " + e.getMessage(), new D1Exception.BackupUnavailable(what));
    io.addSuppressed(e);
    return io;
  }

  @Override
  public void delete(String name) throws IOException {
    local.delete(name);
    replication.pruned(replica);
  }

  @Override
  public List<String> names() throws IOException {
    return local.names();
  }

  @Override
  public FileChannel openAppend(String name) throws IOException {
    return local.openAppend(name);
  }

  @Override
  public FileChannel openRead(String name) throws IOException {
    return local.openRead(name);
  }

  @Override
  public Optional<Path> localFile(String name) {
    return local.localFile(name);
  }

  @Override
  public Path scratch(String name) throws IOException {
    return local.scratch(name);
  }

  @Override
  public void put(String name, Path built) throws IOException {
    local.put(name, built);
  }

  @Override
  public void truncate(String name, long size) throws IOException {
    local.truncate(name, size);
  }

  @Override
  public void clearScratch() throws IOException {
    local.clearScratch();
  }

  @Override
  public byte[] readSmall(String name) throws IOException {
    return local.readSmall(name);
  }

  @Override
  public void writeSmall(String name, byte[] content) throws IOException {
    local.writeSmall(name, content);
  }
}
