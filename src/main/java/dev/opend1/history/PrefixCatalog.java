package dev.opend1.history;

import java.io.IOException;

/**
 * What a bucket prefix says about the catalog of the servers that ship there, changing nothing:
 * whether it holds catalog copies ({@code catalog/<time>.sqlite}: a standalone server's, whose
 * catalog is a SQLite file) and whether it holds the mark {@link BucketNames#CATALOG_ELSEWHERE} (a
 * server whose catalog is in PostgreSQL, a cluster's node, ships there). A server's start reads it
 * to refuse a prefix of the other kind (docs/cluster.md#one-kind-of-catalog-per-prefix), and {@code
 * doctor --object-store} reports it ({@link RemoteCheck}).
 *
 * @param copies at least one catalog copy is there
 * @param elsewhere the mark is there
 */
public record PrefixCatalog(boolean copies, boolean elsewhere) {

  public static PrefixCatalog read(ObjectStore store) throws IOException {
    boolean copies = !store.list("catalog/").isEmpty();
    return new PrefixCatalog(copies, store.get(BucketNames.CATALOG_ELSEWHERE).isPresent());
  }

  /** A standalone server's catalog copies from before a cluster started shipping here. */
  public boolean copiesFromBeforeACluster() {
    return copies && elsewhere;
  }
}
