package dev.opend1.transfer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The jobs of one kind the server knows, by key (an export's database, bookmark and options; an
 * import's database and etag), until they expire. Requests and the job threads use it at once.
 */
final class JobRegistry<J extends TransferJob> {

  /** Jobs by key; a concurrent map, so polls, job threads and the reaper need no lock. */
  private final Map<String, J> jobs = new ConcurrentHashMap<>();

  J get(String key) {
    return jobs.get(key);
  }

  void put(String key, J job) {
    jobs.put(key, job);
  }

  /**
   * The job at {@code key} if it is still running, else {@code candidate}, put there in the same
   * step: of two requests that start the same job at once, only one starts it.
   */
  J runningOr(String key, J candidate) {
    return jobs.compute(key, (k, old) -> old != null && old.finished == null ? old : candidate);
  }

  void putIfAbsent(String key, J job) {
    jobs.putIfAbsent(key, job);
  }

  /** Some job that matches; which one when several do is not defined. */
  Optional<J> find(Predicate<J> which) {
    return jobs.values().stream().filter(which).findFirst();
  }

  /** Every job, for housekeeping. */
  List<J> all() {
    return List.copyOf(jobs.values());
  }

  /** Forgets jobs finished more than {@code lifetime} before {@code now}; returns them. */
  List<J> removeExpired(Duration lifetime, Instant now) {
    List<J> removed = new ArrayList<>();
    jobs.entrySet()
        .removeIf(
            e -> {
              boolean expired = e.getValue().expired(lifetime, now);
              if (expired) {
                removed.add(e.getValue());
              }
              return expired;
            });
    return removed;
  }
}
