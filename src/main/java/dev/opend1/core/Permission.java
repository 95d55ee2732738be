package dev.opend1.core;

/**
 * What an API token may do. {@code READ} is D1 Read (list and get databases, query and raw that
 * only read, export, time-travel bookmarks, commits and diffs, GraphQL analytics); {@code EDIT} is
 * D1 Write (everything).
 */
public enum Permission {
  READ,
  EDIT;

  public boolean canEdit() {
    return this == EDIT;
  }
}
