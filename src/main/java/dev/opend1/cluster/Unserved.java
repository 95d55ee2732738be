package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.List;

/**
 * The databases no node serves now: ready in the catalog, with no lease in force (their owner died,
 * stopped and gave them back, or could not renew). Read for eager takeover ({@link EagerTakeover})
 * and for {@code /metrics}.
 */
public interface Unserved {

  /** How many ready databases have a lease row but no lease in force now. */
  int count();

  /**
   * Up to {@code limit} unserved databases that {@code self} may take over now, in an order of its
   * own (so nodes sweeping at once mostly start on different databases): those it wrote last
   * itself, whose copy here is current, and, when {@code othersToo}, those whose last writer is
   * gone (left, at once; not heard from since {@code grace} before its lease lapsed, or within
   * {@code liveness}) or draining. A live node whose lease lapsed a moment ago is left to take its
   * databases back.
   */
  List<DatabaseId> forTakeover(
      NodeId self, boolean othersToo, Duration grace, Duration liveness, int limit);
}
