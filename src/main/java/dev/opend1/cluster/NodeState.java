package dev.opend1.cluster;

import java.util.Locale;

/** What a node that is alive is doing: taking new databases, or being emptied for maintenance. */
public enum NodeState {
  LIVE,
  DRAINING;

  /** The form stored in {@code nodes.state}. */
  String stored() {
    return name().toLowerCase(Locale.ROOT);
  }

  static NodeState fromStored(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
