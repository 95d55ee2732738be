package dev.opend1.objectstore;

import dev.opend1.config.ObjectStoreSettings;
import dev.opend1.history.BucketNames;
import dev.opend1.history.PrefixCatalog;
import java.io.IOException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of catalog per bucket prefix, checked when a server starts, before it changes anything
 * in the bucket (docs/cluster.md#one-kind-of-catalog-per-prefix). A standalone server (its catalog
 * a SQLite file) is refused on a prefix a cluster ships to, the one holding the mark {@link
 * BucketNames#CATALOG_ELSEWHERE}: its start time is its writer generation, above the cluster's
 * epochs, so its writes would fence the cluster's. A server whose catalog is in PostgreSQL is
 * refused on a prefix that holds a standalone server's catalog copies and no mark yet, unless a
 * catalog was imported into its PostgreSQL ({@code opend1 cluster import-catalog}, the move into a
 * cluster): otherwise it would mark another server's prefix as a cluster's, and that server could
 * not start there again.
 *
 * <p>A bucket that cannot be read is no reason not to start (it never was: shipping retries until
 * the store answers); the start goes on and says in the log that the prefix went unchecked.
 */
public final class PrefixGuard {

  private static final Logger LOG = LoggerFactory.getLogger(PrefixGuard.class);

  /** A start refused because the prefix is another kind of server's; nothing was changed. */
  public static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private PrefixGuard() {}

  /**
   * The start of a standalone server, whose catalog is a SQLite file it copies to the bucket.
   *
   * @throws Refused when a cluster ships to the prefix
   */
  public static void standalone(ObjectStoreSettings s) {
    Optional<PrefixCatalog> found = read(s);
    if (found.isPresent() && found.get().elsewhere()) {
      throw new Refused(
          "the bucket prefix "
              + s.url()
              + " is a cluster's: servers whose catalog is in PostgreSQL (--catalog) ship there"
              + " (it holds their mark '"
              + BucketNames.CATALOG_ELSEWHERE
              + "'), and a standalone server shipping beside them would fence the cluster's"
              + " writes to the same databases. Nothing was changed, in the bucket or in the data"
              + " directory. Use another prefix (--object-store), or start this server as a node"
              + " of that cluster with --catalog postgresql://... (to bring this data directory's"
              + " accounts, tokens and databases along, run opend1 cluster import-catalog on it"
              + " first: docs/cluster.md#moving-a-standalone-server-into-a-cluster)");
    }
  }

  /**
   * The start of a server whose catalog is in PostgreSQL, which stores the mark in the bucket.
   *
   * @param imported whether a catalog was ever imported into that PostgreSQL; asked only when the
   *     prefix holds catalog copies and no mark
   * @throws Refused when the prefix is a standalone server's and no catalog was imported
   */
  public static void postgresCatalog(ObjectStoreSettings s, BooleanSupplier imported) {
    Optional<PrefixCatalog> found = read(s);
    if (found.isPresent()
        && found.get().copies()
        && !found.get().elsewhere()
        && !imported.getAsBoolean()) {
      throw new Refused(
          "the bucket prefix "
              + s.url()
              + " is a standalone server's: it holds that server's catalog copies (catalog/),"
              + " no cluster ships there yet, and no catalog was ever imported into this"
              + " PostgreSQL catalog. A server with --catalog would mark the prefix as a"
              + " cluster's, and the standalone server could not start on it again. Nothing was"
              + " changed in the bucket. Use another prefix (--object-store), or move that server"
              + " into the cluster: stop it, run opend1 cluster import-catalog --data-dir"
              + " ITS_DATA_DIR --catalog postgresql://... and start this node again"
              + " (docs/cluster.md#moving-a-standalone-server-into-a-cluster)");
    }
  }

  private static Optional<PrefixCatalog> read(ObjectStoreSettings s) {
    try (S3ObjectStore store = S3ObjectStore.open(Backups.target(s))) {
      return Optional.of(PrefixCatalog.read(store));
    } catch (IOException e) {
      LOG.warn(
          "could not read {} to check which kind of server ships there, starting anyway: {}",
          s.url(),
          e.getMessage());
      return Optional.empty();
    }
  }
}
