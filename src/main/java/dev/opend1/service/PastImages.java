package dev.opend1.service;

import dev.opend1.core.DatabaseId;
import dev.opend1.engine.StateImage;
import java.util.Optional;

/**
 * A database's state at a bookmark or a time, as its history describes it: what a branch's new
 * database starts from. Time travel implements it ({@code TimeTravel.pastBookmark} then {@code
 * imageAt}), so a branch refuses exactly the bookmarks and times a restore refuses.
 */
@FunctionalInterface
public interface PastImages {

  /**
   * The state of {@code id} at exactly one of {@code bookmark} and {@code timestamp}.
   *
   * @throws dev.opend1.core.D1Exception.InvalidRequest for a bookmark or time outside its history
   */
  StateImage at(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp);
}
