package dev.opend1.testing;

import dev.opend1.engine.IntegrityCheck;
import java.nio.file.Path;
import java.util.List;

/**
 * SQLite's {@code PRAGMA integrity_check} of a database, run on its file by the engine's own check
 * (the one {@code doctor} uses): user SQL may not run it (D1 refuses it), so tests read the file
 * themselves, on a read-only connection beside the server's (WAL lets it read while it writes).
 */
public final class Integrity {

  private Integrity() {}

  /** {@code ok}, or the problems found, for the database whose API path or id is {@code db}. */
  public static String check(Path dataDir, String db) {
    String uuid = db.substring(db.lastIndexOf('/') + 1);
    List<String> problems =
        IntegrityCheck.problems(dataDir.resolve("db").resolve(uuid).resolve("db.sqlite"));
    return problems.isEmpty() ? "ok" : String.join("\n", problems);
  }
}
