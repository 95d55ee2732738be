package dev.opend1.cluster;

/** A node's name in the cluster, as the operator gives it: 1 to 100 of {@code [A-Za-z0-9._-]}. */
public record NodeId(String value) {

  public NodeId {
    if (value == null || !value.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException(
          "a node id is 1 to 100 letters, digits, '.', '_' or '-': " + value);
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
