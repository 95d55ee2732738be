package dev.opend1.service;

import dev.opend1.cluster.ClusterCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * A cluster member's series on {@code /metrics}, read at scrape time: the nodes alive (one query to
 * PostgreSQL per scrape; NaN when it does not answer), the databases this node holds and those no
 * node holds (one more query), and what its leases went through ({@link ClusterCounters}).
 * docs/operating.md lists them.
 */
public final class ClusterMeters implements MeterBinder {

  private final ClusterCounters counters;
  private final IntSupplier owned;
  private final IntSupplier alive;
  private final IntSupplier unserved;

  /**
   * @param owned the databases this node holds a lease on now
   * @param alive the nodes heard from within the liveness timeout (may throw: PostgreSQL down)
   * @param unserved the ready databases no node holds a lease on (may throw, as {@code alive})
   */
  public ClusterMeters(
      ClusterCounters counters, IntSupplier owned, IntSupplier alive, IntSupplier unserved) {
    this.counters = counters;
    this.owned = owned;
    this.alive = alive;
    this.unserved = unserved;
  }

  /**
   * The gauges hold their suppliers strongly: Micrometer's default weak reference would let a
   * method reference be collected, and the gauge then reads NaN.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("opend1_cluster_nodes_alive", alive, ClusterMeters::orNaN)
        .description("Nodes heard from within the liveness timeout, this one included")
        .strongReference(true)
        .register(registry);
    Gauge.builder("opend1_cluster_databases_owned", owned, IntSupplier::getAsInt)
        .description("Databases whose lease this node holds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("opend1_cluster_databases_unserved", unserved, ClusterMeters::orNaN)
        .description("Databases no node holds a lease on now, waiting to be taken over")
        .strongReference(true)
        .register(registry);
    counter(
        registry,
        "opend1_cluster_lease_renewals",
        ClusterCounters::renewed,
        "Lease renewals granted, one per lease per renewal");
    counter(
        registry,
        "opend1_cluster_leases_lost",
        ClusterCounters::lost,
        "Leases lost: a renewal refused or the lease lapsed while held");
    counter(
        registry,
        "opend1_cluster_takeovers",
        ClusterCounters::takeovers,
        "Databases this node took over, their files rebuilt from the bucket");
    counter(
        registry,
        "opend1_cluster_handovers",
        ClusterCounters::handedOver,
        "Databases this node handed over to another node (a move, a drain)");
    counter(
        registry,
        "opend1_cluster_eager_takeovers",
        ClusterCounters::eagerTakeovers,
        "Databases this node took in the background, no request having asked for them");
  }

  private void counter(
      MeterRegistry registry, String name, ToDoubleFunction<ClusterCounters> f, String what) {
    FunctionCounter.builder(name, counters, f).description(what).register(registry);
  }

  private static double orNaN(IntSupplier s) {
    try {
      return s.getAsInt();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }
}
