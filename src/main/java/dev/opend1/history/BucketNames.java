package dev.opend1.history;

import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the history is laid out in object storage, under the store's prefix. Every name sorts in
 * history order (seqs, times and generations are 16 hex digits), and every object is written once:
 *
 * <pre>
 * catalog/&lt;time&gt;.sqlite        a consistent copy of the catalog (accounts, token hashes, databases)
 * catalog-elsewhere          the catalog is in PostgreSQL: no copies are stored, by design
 * db/&lt;uuid&gt;/meta/&lt;time&gt;.g&lt;gen&gt;.json   the database's record as of that time, as beside its file
 * db/&lt;uuid&gt;/gen/&lt;gen&gt;          a writer generation's claim on the database, stored before it ships
 * db/&lt;uuid&gt;/log/&lt;seq&gt;.g&lt;gen&gt;.rec  records from seq on, each as in a local segment, contiguous
 * db/&lt;uuid&gt;/log/&lt;first&gt;-&lt;last&gt;.g&lt;gen&gt;.rec  small log objects compacted: records first to last
 * db/&lt;uuid&gt;/snap/&lt;seq&gt;.g&lt;gen&gt;.db  a snapshot: the whole database at seq
 * db/&lt;uuid&gt;/deleted-&lt;time&gt;     the database was deleted then (its objects go after retention)
 * deleted/&lt;time&gt;-&lt;uuid&gt;       the same mark, sorted by time, for the sweep that removes them
 * </pre>
 *
 * <p>{@code <gen>} is the writer generation ({@link WriterGeneration}) of the server that wrote the
 * object: two servers on one prefix never write the same name, even on a store that ignores {@code
 * If-None-Match: *}, and a reader tells their objects apart ({@link LogChain}). Buckets written
 * before generations existed hold the same names without {@code .g<gen>} ({@code log/<seq>.rec},
 * {@code snap/<seq>.db}, {@code meta.json}): they read as generation 0.
 */
public final class BucketNames {

  private static final Pattern LOG =
      Pattern.compile(
          "log/(\\p{XDigit}{16})(?:-(\\p{XDigit}{16}))?(?:\\.g(\\p{XDigit}{16}))?\\.rec");
  private static final Pattern SNAPSHOT =
      Pattern.compile("snap/(\\p{XDigit}{16})(?:\\.g(\\p{XDigit}{16}))?\\.db");
  private static final Pattern META =
      Pattern.compile("meta/(\\p{XDigit}{16})\\.g(\\p{XDigit}{16})\\.json");

  private BucketNames() {}

  /**
   * A log object's name, parsed: its first seq, its last when it is a compacted one, the generation
   * that wrote it (0 for a name without one).
   */
  record LogName(String name, long first, OptionalLong last, long generation) {
    boolean compacted() {
      return last.isPresent();
    }
  }

  /** A snapshot's name, parsed. */
  record SnapshotName(String name, long seq, long generation) {}

  /** A metadata object's name, parsed: when it was stored, by which generation. */
  record MetaName(String name, long timeMicros, long generation) {}

  /** The prefix of one database's objects. */
  public static String database(String databaseId) {
    return "db/" + databaseId + "/";
  }

  static String log(String databaseId, long firstSeq, long generation) {
    return database(databaseId) + "log/" + hex(firstSeq) + gen(generation) + ".rec";
  }

  /** A compacted log object: the records {@code first} to {@code last}, merged from small ones. */
  static String compacted(String databaseId, long first, long last, long generation) {
    return database(databaseId) + "log/" + hex(first) + "-" + hex(last) + gen(generation) + ".rec";
  }

  static String snapshot(String databaseId, long seq, long generation) {
    return database(databaseId) + "snap/" + hex(seq) + gen(generation) + ".db";
  }

  /** A metadata object: the database's record as of {@code timeMicros}. */
  static String meta(String databaseId, long timeMicros, long generation) {
    return database(databaseId) + "meta/" + hex(timeMicros) + ".g" + hex(generation) + ".json";
  }

  /** The one metadata object of a bucket written before metadata changes were stored. */
  static String legacyMeta(String databaseId) {
    return database(databaseId) + "meta.json";
  }

  /** The prefix of a database's generation claims. */
  public static String claims(String databaseId) {
    return database(databaseId) + "gen/";
  }

  /** A generation's claim on a database: stored before it writes anything there. */
  public static String claim(String databaseId, long generation) {
    return claims(databaseId) + hex(generation);
  }

  /** The generation a claim's name (full) holds, or empty for another name. */
  public static OptionalLong claimGeneration(String name) {
    int at = name.lastIndexOf("gen/");
    return at < 0 ? OptionalLong.empty() : numberAfter(name.substring(at), "gen/", "");
  }

  /** A log object's name (relative to the database's prefix, or full), parsed; null otherwise. */
  static LogName logName(String name) {
    int at = name.lastIndexOf("log/");
    if (at < 0) {
      return null;
    }
    Matcher m = LOG.matcher(name.substring(at));
    if (!m.matches()) {
      return null;
    }
    return new LogName(
        name,
        number(m.group(1)),
        m.group(2) == null ? OptionalLong.empty() : OptionalLong.of(number(m.group(2))),
        m.group(3) == null ? 0 : number(m.group(3)));
  }

  /** The last seq of a compacted log object's name (full or relative), or empty for another. */
  static OptionalLong compactedLast(String name) {
    LogName n = logName(name);
    return n == null ? OptionalLong.empty() : n.last();
  }

  /**
   * Adds the log object {@code name} (first seq {@code first}) to one chain's log objects by first
   * seq, where a compacted object stands for the small ones it covers: those stay in the bucket a
   * moment after it is written (until they are deleted), and are skipped, in any listing order.
   */
  static void addLog(TreeMap<Long, String> logs, long first, String name) {
    OptionalLong last = compactedLast(name);
    if (last.isPresent()) {
      logs.subMap(first, true, last.getAsLong(), true).clear();
      logs.put(first, name);
      return;
    }
    if (covered(logs, first)) {
      return;
    }
    logs.put(first, name);
  }

  /** Whether a compacted object of {@code logs} covers {@code seq}. */
  static boolean covered(TreeMap<Long, String> logs, long seq) {
    var before = logs.floorEntry(seq);
    if (before == null) {
      return false;
    }
    OptionalLong covers = compactedLast(before.getValue());
    return covers.isPresent() && seq <= covers.getAsLong();
  }

  /** A snapshot's name (relative to the database's prefix, or full), parsed; null otherwise. */
  static SnapshotName snapshotName(String name) {
    int at = name.lastIndexOf("snap/");
    if (at < 0) {
      return null;
    }
    Matcher m = SNAPSHOT.matcher(name.substring(at));
    return m.matches()
        ? new SnapshotName(name, number(m.group(1)), m.group(2) == null ? 0 : number(m.group(2)))
        : null;
  }

  /**
   * A metadata object's name (relative or full), parsed; the legacy {@code meta.json} is time 0.
   */
  static MetaName metaName(String name) {
    if (name.equals("meta.json") || name.endsWith("/meta.json")) {
      return new MetaName(name, 0, 0);
    }
    int at = name.lastIndexOf("meta/");
    if (at < 0) {
      return null;
    }
    Matcher m = META.matcher(name.substring(at));
    return m.matches() ? new MetaName(name, number(m.group(1)), number(m.group(2))) : null;
  }

  static String tombstone(String databaseId, long timeMicros) {
    return database(databaseId) + "deleted-" + hex(timeMicros);
  }

  /** A catalog copy taken at {@code timeMicros}. */
  public static String catalog(long timeMicros) {
    return "catalog/" + hex(timeMicros) + ".sqlite";
  }

  /**
   * The mark a server whose catalog is in PostgreSQL stores instead of catalog copies, so that
   * {@code doctor} and {@code recover} can tell a bucket that never holds any from one that lost
   * them. Outside {@code catalog/}, whose names are all copies.
   */
  public static final String CATALOG_ELSEWHERE = "catalog-elsewhere";

  /** The time in a catalog copy's name, or empty when the name is not one. */
  public static OptionalLong catalogTime(String name) {
    return numberAfter(name, "catalog/", ".sqlite");
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
      return OptionalLong.of(number(name.substring(head.length(), head.length() + 16)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static long number(String hex16) {
    return Long.parseUnsignedLong(hex16, 16);
  }

  /** The generation's part of a name: none for generation 0 (the names of older buckets). */
  private static String gen(long generation) {
    return generation == 0 ? "" : ".g" + hex(generation);
  }

  static String hex(long n) {
    return "%016x".formatted(n);
  }
}
