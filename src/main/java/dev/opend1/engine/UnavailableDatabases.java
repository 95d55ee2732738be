package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases that cannot be served because their files are missing or damaged, and why. A
 * database joins when an open (or a statement) finds its files unusable, and leaves when it opens
 * again; each change is logged once, so a client retrying a lost database does not flood the log.
 * Operators see the list in {@code /status}.
 */
public final class UnavailableDatabases {

  private static final Logger LOG = LoggerFactory.getLogger(UnavailableDatabases.class);

  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  /** Why each unavailable database is; a concurrent map, as requests of any thread mark them. */
  private final Map<DatabaseId, String> why = new ConcurrentHashMap<>();

  UnavailableDatabases() {}

  /**
   * Records that a database cannot be served (logging it the first time) and returns the error its
   * requests get.
   */
  D1Exception mark(DatabaseId id, String reason) {
    if (why.put(id, reason) == null) {
      LOG.warn("database {} is unavailable: {}", id, reason);
    }
    return new D1Exception.DatabaseUnavailable(id.toString(), reason);
  }

  /** The database opened: it is available (again). */
  void clear(DatabaseId id) {
    if (why.remove(id) != null) {
      LOG.info("database {} is available again", id);
    }
  }

  /** How many databases are unavailable now. */
  public int count() {
    return why.size();
  }

  /** Every unavailable database and why, by id. */
  public Map<DatabaseId, String> snapshot() {
    Map<DatabaseId, String> copy = new TreeMap<>(Comparator.comparing(DatabaseId::toString));
    copy.putAll(why);
    return copy;
  }

  /**
   * What is wrong with a database's file before SQLite opens it: a missing directory or file, or a
   * file that does not start as every SQLite database does; null when it looks usable.
   */
  static String problem(Path dbFile) {
    if (!Files.isDirectory(dbFile.getParent())) {
      return "its directory is missing";
    }
    if (!Files.isRegularFile(dbFile)) {
      return "its database file is missing";
    }
    try (InputStream in = Files.newInputStream(dbFile)) {
      byte[] head = in.readNBytes(SQLITE_HEADER.length);
      if (head.length > 0 && !Arrays.equals(head, SQLITE_HEADER)) {
        return "its database file is not a SQLite database (damaged)";
      }
    } catch (IOException e) {
      return "its database file cannot be read: " + dev.opend1.core.IoErrors.describe(e);
    }
    return null;
  }
}
