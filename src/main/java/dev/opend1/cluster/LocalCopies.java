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
   * True when a {@link #refresh} of the copy here began and did not finish (it failed, or the node
   * stopped): the copy is refreshed at its next take even when this node held the database last,
   * since the take that began it made this node the lease's last owner without bringing the copy up
   * to the bucket.
   */
  boolean unchecked(DatabaseId id);

  /**
   * The highest writer generation that claimed the database in the bucket ({@code gen/<gen>}), 0
   * when none did: a database's first lease is placed above it, since a standalone server that
   * shipped the database claimed it under its start time, far above any epoch.
   *
   * @throws IOException when the bucket cannot be listed
   */
  long highestClaim(DatabaseId id) throws IOException;

  /**
   * Makes the database's files here from the bucket, for a node that now holds its lease at {@code
   * generation}: the generation's claim is stored first, so an earlier owner still writing finds it
   * after its next upload and stops, then the history is laid down (its file is rebuilt from it at
   * its first open).
   *
   * @throws IOException when the bucket cannot be read, or holds no history of the database
   */
  void rebuild(DatabaseId id, long generation) throws IOException;

  /**
   * Brings this node's copy of a database up to the bucket, for a node that now holds its lease at
   * {@code generation} after another node held it: the generation's claim is stored first, then the
   * copy is compared with the bucket ({@code history/CopyCheck}). A current copy is kept; an older
   * one is rebuilt beside it from the bucket and put in its place under the lease, and deleted then
   * (kept as it was when the rebuild fails). Either way the database is closed and opened again, so
   * its history ships under the new generation.
   *
   * @return true when the copy was rebuilt, false when it was kept
   * @throws IOException when the bucket cannot be read, or the rebuild fails
   */
  boolean refresh(DatabaseId id, long generation) throws IOException;
}
