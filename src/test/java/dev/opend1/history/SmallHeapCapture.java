package dev.opend1.history;

import dev.opend1.core.DataLayout;
import dev.opend1.engine.ImageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Run in a child JVM with a small heap by {@link StreamedCaptureTest}: captures a WAL of {@code
 * args[1]} pages ({@link SyntheticWal}) into a new history in {@code args[0]}, opens the history
 * again (a scan of the segment), and replays the state at the commit into {@code image.db}.
 */
final class SmallHeapCapture {

  private SmallHeapCapture() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int pages = Integer.parseInt(args[1]);
    Path db = dir.resolve("db.sqlite");
    Files.write(db, new byte[SyntheticWal.PAGE_SIZE]);
    ExecutorService syncer = Executors.newSingleThreadExecutor();
    try {
      DatabaseHistory history = DatabaseHistory.open("small-heap", dir.resolve("h"), db, syncer);
      history.initialize(db);
      SyntheticWal.write(DataLayout.wal(db), pages);
      history.capture().join();
      history.close();
      DatabaseHistory reopened = DatabaseHistory.open("small-heap", dir.resolve("h"), db, syncer);
      ImageWriter.writeFile(reopened.imageAt(reopened.lastSeq()), dir.resolve("image.db"));
      reopened.close();
    } finally {
      syncer.shutdown();
    }
  }
}
