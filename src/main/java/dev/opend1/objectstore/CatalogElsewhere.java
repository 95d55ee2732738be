package dev.opend1.objectstore;

import dev.opend1.history.BucketNames;
import dev.opend1.history.ObjectStore;
import dev.opend1.history.Replication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What a server whose catalog is in PostgreSQL ships instead of catalog copies: once per start,
 * before its first shipment, the mark {@link BucketNames#CATALOG_ELSEWHERE}, so that {@code doctor
 * --object-store} says the bucket holds no catalog by design instead of reporting a lost one. Every
 * such server writes the same bytes, so a mark already there from another node is fine.
 */
final class CatalogElsewhere implements Replication.CatalogCopies {

  static final byte[] CONTENT =
      ("The catalog of the servers that ship here is in PostgreSQL (--catalog): back it up with"
              + " PostgreSQL's tools; no catalog copy is stored in this bucket.\n")
          .getBytes(StandardCharsets.UTF_8);

  private final ObjectStore store;

  /** Whether the mark is known stored; set by the shipper or a sync write, read by both. */
  private volatile boolean stored;

  CatalogElsewhere(ObjectStore store) {
    this.store = store;
  }

  @Override
  public void storeIfChanged() throws IOException {
    if (!stored) {
      store.putIfAbsent(BucketNames.CATALOG_ELSEWHERE, CONTENT);
      stored = true;
    }
  }
}
