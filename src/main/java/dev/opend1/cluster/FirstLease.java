package dev.opend1.cluster;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.history.WriterGeneration;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The least epoch a take of a database may grant: 1, unless no node ever held the database. Then it
 * was not created in the cluster (a standalone server's, its records imported, or a prefix
 * recovered), and a standalone server may have shipped it under its writer generation, a start time
 * far above any epoch. The first epoch is then placed above every generation claimed in the bucket
 * and every one a standalone server started by now may hold ({@link
 * WriterGeneration#highestStartedBy}), so every owner from then on supersedes that server, and the
 * server still writing is fenced as any stale owner is (docs/cluster.md#the-lease-protocol).
 *
 * <p>Why only then: a lease row, once made, carries its epoch on; a database created in the cluster
 * has a new id nobody else can have written, and starts at 1. The bucket is listed once per such
 * database, before the grant, so a take that cannot read it grants nothing and the next one looks
 * again.
 */
final class FirstLease {

  private static final Logger LOG = LoggerFactory.getLogger(FirstLease.class);

  private FirstLease() {}

  /**
   * @throws D1Exception.DatabaseUnavailable when the bucket's claims cannot be read
   */
  static long minEpoch(DatabaseId id, Leases leases, LocalCopies copies) {
    if (leases.last(id).isPresent()) {
      return 1;
    }
    try {
      long standalone = WriterGeneration.highestStartedBy(System.currentTimeMillis());
      return Math.max(copies.highestClaim(id), standalone) + 1;
    } catch (IOException e) {
      LOG.warn("reading the claims on database {} in the bucket: {}", id, e.getMessage());
      throw new D1Exception.DatabaseUnavailable(
          id.toString(), "its claims in the bucket could not be read: " + e.getMessage());
    }
  }
}
