package dev.opend1.history;

import java.util.OptionalLong;

/**
 * How the history is laid out in object storage, under the store's prefix. Every name sorts in
 * history order (seqs and times are 16 hex digits), and every object is written once:
 *
 * <pre>
 * catalog/&lt;time&gt;.sqlite        a consistent copy of the catalog (accounts, token hashes, databases)
 * db/&lt;uuid&gt;/meta.json          the database's record, as beside its file
 * db/&lt;uuid&gt;/log/&lt;seq&gt;.rec      records from seq on, each as in a local segment, contiguous
 * db/&lt;uuid&gt;/log/&lt;first&gt;-&lt;last&gt;.rec  small log objects compacted: records first to last
 * db/&lt;uuid&gt;/snap/&lt;seq&gt;.db      a snapshot: the whole database at seq
 * db/&lt;uuid&gt;/deleted-&lt;time&gt;     the database was deleted then (its objects go after retention)
 * deleted/&lt;time&gt;-&lt;uuid&gt;       the same mark, sorted by time, for the sweep that removes them
 * </pre>
 *
 * <p>A log object is named by its first seq and written with {@code If-None-Match: *}: two servers
 * on one prefix cannot both write seq N, and the hash chain tells whether the records that follow
 * continue the ones before.
 */
public final class BucketNames {

  private BucketNames() {}

  /** The prefix of one database's objects. */
  public static String database(String databaseId) {
    return "db/" + databaseId + "/";
  }

  static String log(String databaseId, long firstSeq) {
    return database(databaseId) + "log/" + hex(firstSeq) + ".rec";
  }

  /** A compacted log object: the records {@code first} to {@code last}, merged from small ones. */
  static String compacted(String databaseId, long first, long last) {
    return database(databaseId) + "log/" + hex(first) + "-" + hex(last) + ".rec";
  }

  /** The last seq of a compacted log object's name (full or relative), or empty for another. */
  static OptionalLong compactedLast(String name) {
    int at = name.lastIndexOf("log/");
    String rel = at < 0 ? name : name.substring(at);
    if (rel.length() != "log/".length() + 33 + ".rec".length() || rel.charAt(20) != '-') {
      return OptionalLong.empty();
    }
    return numberAfter(rel.substring(0, 4) + rel.substring(21), "log/", ".rec");
  }

  /**
   * Adds the log object {@code name} (first seq {@code first}) to a database's log objects by first
   * seq, where a compacted object stands for the small ones it covers: those stay in the bucket a
   * moment after it is written (until they are deleted), and are skipped, in any listing order.
   */
  static void addLog(java.util.TreeMap<Long, String> logs, long first, String name) {
    OptionalLong last = compactedLast(name);
    if (last.isPresent()) {
      logs.subMap(first, true, last.getAsLong(), true).clear();
      logs.put(first, name);
      return;
    }
    var before = logs.floorEntry(first);
    if (before != null) {
      OptionalLong covers = compactedLast(before.getValue());
      if (covers.isPresent() && first <= covers.getAsLong()) {
        return;
      }
    }
    logs.put(first, name);
  }

  static String snapshot(String databaseId, long seq) {
    return database(databaseId) + "snap/" + hex(seq) + ".db";
  }

  static String meta(String databaseId) {
    return database(databaseId) + "meta.json";
  }

  static String tombstone(String databaseId, long timeMicros) {
    return database(databaseId) + "deleted-" + hex(timeMicros);
  }

  /** A catalog copy taken at {@code timeMicros}. */
  public static String catalog(long timeMicros) {
    return "catalog/" + hex(timeMicros) + ".sqlite";
  }

  /** The time in a catalog copy's name, or empty when the name is not one. */
  public static OptionalLong catalogTime(String name) {
    return numberAfter(name, "catalog/", ".sqlite");
  }

  /** The first seq of a log object's name (relative to the database's prefix). */
  static OptionalLong logSeq(String relative) {
    OptionalLong small = numberAfter(relative, "log/", ".rec");
    return small.isPresent() || compactedLast(relative).isEmpty()
        ? small
        : numberAfter(relative.substring(0, 20) + ".rec", "log/", ".rec");
  }

  static OptionalLong snapshotSeq(String relative) {
    return numberAfter(relative, "snap/", ".db");
  }

  /** The deletion mark sorted by time: what the retention sweep lists. */
  static String deletion(String databaseId, long timeMicros) {
    return "deleted/" + hex(timeMicros) + "-" + databaseId;
  }

  static OptionalLong tombstoneTime(String relative) {
    return numberAfter(relative, "deleted-", "");
  }

  private static OptionalLong numberAfter(String name, String head, String tail) {
    if (!name.startsWith(head)
        || !name.endsWith(tail)
        || name.length() != head.length() + 16 + tail.length()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(
          Long.parseUnsignedLong(name.substring(head.length(), head.length() + 16), 16));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static String hex(long n) {
    return "%016x".formatted(n);
  }
}
