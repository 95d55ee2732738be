package dev.opend1.transfer;

import dev.opend1.core.DataLayout;
import dev.opend1.engine.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where transfers keep their files: {@code DATA_DIR/transfer/exports/} (finished dumps and partial
 * ones) and {@code DATA_DIR/transfer/uploads/} (import files), which share one disk cap.
 *
 * @param exports {@code DATA_DIR/transfer/exports}, from {@link DataLayout}
 * @param uploads {@code DATA_DIR/transfer/uploads}, from {@link DataLayout}
 */
record TransferDirectory(Path exports, Path uploads) {

  /** The suffix of a file still being written (an upload being received, an export running). */
  static final String PART = ".part";

  /**
   * The directory of a data directory, ready for use: exports and partial uploads of an earlier run
   * are removed (nothing finishes them); complete uploads stay until ingested or expired.
   */
  static TransferDirectory prepare(Path dataDir) throws IOException {
    DataLayout layout = new DataLayout(dataDir);
    TransferDirectory dir = new TransferDirectory(layout.exportsDir(), layout.uploadsDir());
    DurableFiles.deleteTree(dir.exports());
    Files.createDirectories(dir.exports());
    Files.createDirectories(dir.uploads());
    try (var files = Files.list(dir.uploads())) {
      for (Path p : files.toList()) {
        if (p.getFileName().toString().endsWith(PART)) {
          Files.deleteIfExists(p);
        }
      }
    }
    return dir;
  }

  /**
   * Bytes of every upload and export file now, complete or partial: a listing, so the cost grows
   * with the files kept. Read once at start ({@link TransferSpace#counted}); the running count
   * follows from there.
   */
  long usedBytes() throws IOException {
    long total = 0;
    for (Path sub : List.of(uploads(), exports())) {
      try (var files = Files.list(sub)) {
        for (Path p : files.toList()) {
          try {
            total += Files.size(p);
          } catch (NoSuchFileException gone) {
            // finished (renamed) or removed since the listing: counted under its new name or not
          }
        }
      }
    }
    return total;
  }
}
