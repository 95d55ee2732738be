package dev.opend1.history;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks what object storage holds, as {@code opend1 doctor --object-store} does, changing nothing:
 * a catalog copy exists (or the mark that the catalog is in PostgreSQL, {@link
 * BucketNames#CATALOG_ELSEWHERE}: a note then, not a problem), and a note says which kind of server
 * a start refuses on the prefix ({@link PrefixCatalog}); for every database, no other writer left
 * objects beside the chain it follows ({@link LogChain}), its log objects follow one another with
 * no seq missing, every record's checksum and the hash chain hold, and a snapshot exists to replay
 * them on. It reads every log object, so it reads the whole history once.
 */
public final class RemoteCheck {

  /** What was found: problems, facts worth saying that are none, and how much was read. */
  public record Result(
      List<String> problems, List<String> notes, int databases, long records, long bytes) {}

  private RemoteCheck() {}

  public static Result check(ObjectStore store) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int databases = 0;
    long records = 0;
    long bytes = 0;
    try {
      prefix(PrefixCatalog.read(store), store, problems, notes);
      for (RemoteRestore.Objects db : RemoteRestore.databases(store).values()) {
        databases++;
        String id = db.databaseId();
        for (String other : db.stale()) {
          problems.add(
              "database "
                  + id
                  + ": "
                  + other
                  + " is another writer's, superseded by a newer generation; not part of the"
                  + " history (two servers wrote to this prefix)");
        }
        if (db.logs().isEmpty()) {
          problems.add("database " + id + " has no log object");
          continue;
        }
        long expected = -1;
        byte[] previous = null;
        for (Map.Entry<Long, String> log : db.logs().entrySet()) {
          if (expected >= 0 && log.getKey() != expected) {
            problems.add(
                "database "
                    + id
                    + ": records "
                    + expected
                    + " to "
                    + (log.getKey() - 1)
                    + " are missing (before "
                    + log.getValue()
                    + ")");
            previous = null;
          }
          if (previous == null && log.getKey() == 0) {
            previous = RecordCodec.seedHash(id);
          }
          byte[] content = store.get(log.getValue()).orElse(null);
          if (content == null) {
            problems.add(log.getValue() + " vanished while read");
            previous = null;
            continue;
          }
          bytes += content.length;
          try {
            List<LogObject.Entry> entries =
                LogObject.decode(log.getValue(), content, log.getKey(), previous);
            records += entries.size();
            LogObject.Entry last = entries.get(entries.size() - 1);
            previous = last.hash();
            expected = last.seq() + 1;
          } catch (IOException e) {
            problems.add("database " + id + ": " + e.getMessage());
            previous = null;
            expected = -1;
          }
        }
        Long base = db.snapshots().floorKey(db.logs().firstKey());
        if (base == null && !db.snapshots().containsKey(db.logs().firstKey())) {
          problems.add("database " + id + " has no snapshot at or before its first record");
        }
      }
    } catch (IOException e) {
      problems.add("cannot read " + store.describe() + ": " + e.getMessage());
    }
    return new Result(problems, notes, databases, records, bytes);
  }

  /**
   * Which kind of catalog the prefix's servers keep, and so which kind of server a start refuses
   * there (as {@code PrefixGuard} does at a server's start): none at all is a problem.
   */
  private static void prefix(
      PrefixCatalog kind, ObjectStore store, List<String> problems, List<String> notes) {
    String mark = " (" + BucketNames.CATALOG_ELSEWHERE + ")";
    String standaloneRefused = "; a standalone server (no --catalog) is refused on this prefix";
    if (kind.copiesFromBeforeACluster()) {
      notes.add(
          "the servers that ship here keep their catalog in PostgreSQL"
              + mark
              + "; the catalog copies are a standalone server's from before it moved into the"
              + " cluster, no longer updated"
              + standaloneRefused);
    } else if (kind.elsewhere()) {
      notes.add(
          "no catalog copy, by design: the servers that ship here keep their catalog in"
              + " PostgreSQL"
              + mark
              + "; back it up with PostgreSQL's tools"
              + standaloneRefused);
    } else if (kind.copies()) {
      notes.add(
          "a standalone server's prefix (catalog copies, no "
              + BucketNames.CATALOG_ELSEWHERE
              + "): a server with --catalog postgresql://... is refused on it unless this"
              + " server's catalog was imported into that PostgreSQL (opend1 cluster"
              + " import-catalog)");
    } else {
      problems.add("no catalog copy in " + store.describe());
    }
  }
}
