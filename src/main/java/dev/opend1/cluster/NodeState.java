package dev.opend1.cluster;

import java.util.Locale;

/**
 * What a node is doing: taking new databases, being emptied for maintenance, or stopped (it gave
 * its leases back and left: {@code nodes.left_at} is set, whatever its stored state).
 */
public enum NodeState {
  LIVE,
  DRAINING,
  LEFT;

  /** The form stored in {@code nodes.state}. */
  String stored() {
    return name().toLowerCase(Locale.ROOT);
  }

  static NodeState fromStored(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
