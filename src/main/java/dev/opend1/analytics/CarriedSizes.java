package dev.opend1.analytics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code d1StorageAdaptiveGroups} without gaps. A database's size is recorded only in the minutes
 * it ran a query, so this carries each database's last known size over the minutes of a read that
 * have none: from its size before the read's first minute ({@link LastSizes}), or, for a database
 * first seen inside the range (one created there), from its first minute with a size; up to the
 * current minute, never past it.
 *
 * <p>It passes every minute read on to the groups, noting per database and period (of the finest
 * time dimension selected, or the whole range when none is) its first minute with a size and its
 * last size. {@link #fill} then sends, for each period that does not start with a size of its own,
 * one minute holding the size carried into it. One minute a period is enough: a group's size is the
 * largest of its minutes, the minutes of a period share its time dimensions, and every minute of it
 * before its first size holds that same carried size. So the work grows with the periods answered,
 * not with the minutes.
 */
final class CarriedSizes implements FactSink {

  private final FactSink groups;
  private final Filter filter;
  private final String account;
  private final long from;
  private final long to;

  /** The finest selected time dimension's length in minutes, or 0 for the whole range. */
  private final long period;

  private final Map<String, LastSizes.SizeAt> before;

  /** Per database and period start: {first minute with a size, last such minute, its size}. */
  private final Map<String, TreeMap<Long, long[]>> sized = new HashMap<>();

  /**
   * Carries sizes over {@code scope}'s minutes up to {@code now} into {@code groups}, for the
   * dimensions {@code by} and the {@code filter} the groups apply, starting from {@code before}.
   */
  CarriedSizes(
      FactSink groups,
      List<Dimension> by,
      Filter filter,
      Scope scope,
      long now,
      Map<String, LastSizes.SizeAt> before) {
    this.groups = groups;
    this.filter = filter;
    this.account = scope.account();
    this.from = scope.fromMinute();
    this.to = Math.min(scope.toMinute(), now);
    this.period = by.stream().filter(Dimension::isTime).mapToLong(d -> d.minutes).min().orElse(0);
    this.before = before;
  }

  @Override
  public void database(DatabaseMinute k, DatabaseTally t) {
    long m = k.minute();
    if (t.sizeBytes >= 0 && m >= from && m <= to) {
      long[] p =
          sized
              .computeIfAbsent(k.database(), d -> new TreeMap<>())
              .computeIfAbsent(start(m), s -> new long[] {m, m, t.sizeBytes});
      p[0] = Math.min(p[0], m);
      if (m > p[1]) {
        p[1] = m;
        p[2] = t.sizeBytes;
      } else if (m == p[1]) {
        p[2] = Math.max(p[2], t.sizeBytes);
      }
    }
    groups.database(k, t);
  }

  @Override
  public void query(QueryMinute k, QueryTally t) {
    groups.query(k, t);
  }

  /** Sends the carried sizes; call once every minute has been read. */
  void fill() {
    Set<String> databases = new HashSet<>(before.keySet());
    databases.addAll(sized.keySet());
    for (String db : databases) {
      TreeMap<Long, long[]> periods = sized.getOrDefault(db, new TreeMap<>());
      LastSizes.SizeAt last = before.get(db);
      long carried = last == null ? -1 : last.bytes();
      for (long p = start(from); p <= to; p = next(p)) {
        long[] own = periods.get(p);
        if (carried >= 0) {
          carry(
              db, Math.max(p, from), own == null ? Math.min(next(p) - 1, to) : own[0] - 1, carried);
        }
        if (own != null) {
          carried = own[2];
        }
      }
    }
  }

  /** Sends {@code size} at the first minute of {@code [lo, hi]} that the filter lets through. */
  private void carry(String db, long lo, long hi, long size) {
    for (long m = lo; m <= hi; m++) {
      if (filter.test(m, db, null)) {
        DatabaseTally t = new DatabaseTally();
        t.sizeBytes = size;
        groups.database(new DatabaseMinute(account, db, m), t);
        return;
      }
    }
  }

  private long start(long minute) {
    return period == 0 ? from : Math.floorDiv(minute, period) * period;
  }

  private long next(long periodStart) {
    return period == 0 ? to + 1 : periodStart + period;
  }
}
