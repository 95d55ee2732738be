package dev.opend1.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What this node's leases went through since it started, as plain counters ({@code /metrics} reads
 * them at scrape time; this package does not know how they are exported).
 */
public final class ClusterCounters {

  /** Each counter is added to by the renewer and by requests, and read at scrape time. */
  private final AtomicLong renewed = new AtomicLong();

  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong takeovers = new AtomicLong();
  private final AtomicLong handedOver = new AtomicLong();
  private final AtomicLong eagerTakeovers = new AtomicLong();

  void addRenewed(int leases) {
    renewed.addAndGet(leases);
  }

  void addLost() {
    lost.incrementAndGet();
  }

  void addTakeover() {
    takeovers.incrementAndGet();
  }

  void addHandedOver() {
    handedOver.incrementAndGet();
  }

  void addEagerTakeover() {
    eagerTakeovers.incrementAndGet();
  }

  /** Lease renewals granted, one per lease per renewal. */
  public long renewed() {
    return renewed.get();
  }

  /** Leases lost: a renewal refused, or a lease found lapsed (not given back or handed over). */
  public long lost() {
    return lost.get();
  }

  /** Databases this node took over from the bucket (their files rebuilt here from it). */
  public long takeovers() {
    return takeovers.get();
  }

  /** Databases this node handed over to another (a move, a drain). */
  public long handedOver() {
    return handedOver.get();
  }

  /**
   * Databases this node took in the background ({@link EagerTakeover}), no request having asked for
   * them: rebuilt from the bucket, or its own current copy taken back.
   */
  public long eagerTakeovers() {
    return eagerTakeovers.get();
  }
}
