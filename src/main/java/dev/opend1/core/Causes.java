package dev.opend1.core;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Searches what an exception was caused by: its causes and the exceptions suppressed on the way,
 * each visited once (a cycle of causes ends the walk), nearest first.
 */
public final class Causes {

  private Causes() {}

  /** The first of {@code t}, its causes and its suppressed exceptions that {@code test} accepts. */
  public static Optional<Throwable> find(Throwable t, Predicate<Throwable> test) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Throwable> todo = new ArrayDeque<>();
    todo.add(t);
    while (!todo.isEmpty()) {
      Throwable x = todo.poll();
      if (!seen.add(x)) {
        continue;
      }
      if (test.test(x)) {
        return Optional.of(x);
      }
      if (x.getCause() != null) {
        todo.add(x.getCause());
      }
      todo.addAll(Arrays.asList(x.getSuppressed()));
    }
    return Optional.empty();
  }
}
