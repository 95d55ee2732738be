package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.io.IOException;

/**
 * A node's own copies of the databases it serves, as {@link OwnedDatabases} needs them when it
 * takes a lease: whether this node has the database's files, and the files rebuilt from the bucket
 * when it has not (the previous owner's node is gone, or never had them here).
 */
public interface LocalCopies {

  /** True when the database's files are in this node's data directory. */
  boolean has(DatabaseId id);

  /**
   * Makes the database's files here from the bucket, for a node that now holds its lease at {@code
   * generation}: the generation's claim is stored first, so an earlier owner still writing finds it
   * after its next upload and stops, then the history is laid down (its file is rebuilt from it at
   * its first open).
   *
   * @throws IOException when the bucket cannot be read, or holds no history of the database
   */
  void rebuild(DatabaseId id, long generation) throws IOException;
}
