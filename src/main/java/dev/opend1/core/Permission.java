package dev.opend1.core;

/**
 * What an API token may do. {@code READ} is D1 Read (list, get, query, raw, bookmark); {@code EDIT}
 * is D1 Write (everything).
 */
public enum Permission {
  READ,
  EDIT;

  public boolean canEdit() {
    return this == EDIT;
  }
}
