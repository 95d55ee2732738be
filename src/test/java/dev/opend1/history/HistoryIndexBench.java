package dev.opend1.history;

import dev.opend1.core.Bookmark;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.management.ObjectName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history index's heap and lookup costs, measured (not asserted): {@code bench.records} commits
 * (10,000) in segments of {@code bench.perSegment} records (500), then the index's objects in the
 * heap after a full collection ({@code jcmd GC.class_histogram}), and the time of a bookmark check,
 * a lookup by time, a page of commits and a state built, at random points of the history. Run with
 * {@code mvn test -Dgroups=bench -Dtest=HistoryIndexBench}; prints its figures.
 */
@Tag("bench")
class HistoryIndexBench {

  static final int RECORDS = Integer.getInteger("bench.records", 10_000);
  static final int PER_SEGMENT = Integer.getInteger("bench.perSegment", 500);

  @TempDir Path dir;

  @Test
  void measure() throws Exception {
    Path db = dir.resolve("db.sqlite");
    ExecutorService syncer = Executors.newSingleThreadExecutor();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
    }
    DatabaseHistory history = DatabaseHistory.open("bench", dir.resolve("history"), db, syncer);
    history.initialize(db);
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = conn.createStatement()) {
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("CREATE TABLE t(i INTEGER PRIMARY KEY, b BLOB)");
      history.capture().join();
      long t0 = System.nanoTime();
      for (int i = 0; i < RECORDS; i++) {
        history.sealSegmentsAfter(i % PER_SEGMENT == 0 ? 0 : Long.MAX_VALUE);
        st.execute("INSERT INTO t VALUES (" + i + ", randomblob(100))");
        history.capture().join();
      }
      System.out.printf(
          "history: %d records in %d segments, written in %.1f s%n",
          history.records(),
          Files.list(dir.resolve("history")).filter(p -> p.toString().contains("seg-")).count(),
          (System.nanoTime() - t0) / 1e9);
    }
    histogram();
    List<LogEntry> all = history.commits(0, Long.MAX_VALUE, Long.MAX_VALUE, RECORDS + 10);
    Random random = new Random(7);
    int n = 2000;
    long t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Bookmark b = all.get(random.nextInt(all.size())).bookmark();
      if (history.check(b) != BookmarkIndex.Check.VALID) {
        throw new AssertionError(b);
      }
    }
    report("bookmark check, random seq", t, n);
    t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      history.at(all.get(random.nextInt(all.size())).timeMicros());
    }
    report("bookmark at a time, random", t, n);
    t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      history.commits(0, Long.MAX_VALUE, all.get(random.nextInt(all.size())).seq(), 50);
    }
    report("page of 50 commits, random cursor", t, n);
    t = System.nanoTime();
    int images = 20;
    for (int i = 0; i < images; i++) {
      Path out = dir.resolve("image.db");
      history.buildImage(all.get(random.nextInt(all.size())).seq(), out);
      Files.delete(out);
    }
    report("state built at a random seq", t, images);
    history.close();
    syncer.shutdown();
  }

  private static void report(String what, long startNanos, int n) {
    System.out.printf("%s: %.1f us each%n", what, (System.nanoTime() - startNanos) / 1e3 / n);
  }

  /**
   * The index's classes in a class histogram of live objects (the same as {@code jcmd
   * GC.class_histogram}, which collects first), asked of this JVM's diagnostic command bean.
   */
  private static void histogram() throws Exception {
    String histogram =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {null},
                    new String[] {String[].class.getName()});
    for (String line : histogram.split("\n")) {
      if (Arrays.stream(new String[] {"LogEntry", "SealedSegment", "BookmarkIndex"})
          .anyMatch(c -> line.endsWith("dev.opend1.history." + c))) {
        System.out.println("heap: " + line.trim());
      }
    }
  }
}
