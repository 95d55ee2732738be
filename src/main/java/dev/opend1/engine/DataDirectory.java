package dev.opend1.engine;

import dev.opend1.core.DataLayout;
import dev.opend1.core.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data directory a server owns while it runs.
 *
 * <p>Ownership is an operating-system lock on {@code serve.lock}: the kernel releases it when the
 * process dies, so a restart after a crash just works, and a second server on the same directory is
 * refused. The command-line tools do not take it; they share the catalog through SQLite's own
 * locking.
 *
 * <p>{@code FORMAT} stamps the layout version: a newer one is refused, an older one migrated.
 */
public final class DataDirectory implements AutoCloseable {

  /** The layout this build writes ({@link DataLayout}). Version 1: the first. */
  public static final int FORMAT_VERSION = 1;

  private static final String FORMAT_PREFIX = "opend1-data-format ";

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Takes the directory for a server: creates it if needed, locks it, checks its format, and
   * empties what a crash left in {@code tmp/} and {@code trash/}. The emptying is here, under the
   * lock and before any part of the server starts, because parts start threads that write to {@code
   * tmp/} at once (the object-store shipper's catalog copy): emptied later, it pulled their files
   * away.
   *
   * @throws DataDirectoryException with a message for the operator when it cannot be used
   */
  public static DataDirectory acquire(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    try {
      createDirectories(root);
      FileChannel ch =
          FileChannel.open(
              new DataLayout(root).lockFile(),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock =
          lockOrRefuse(ch, root, "another opend1 server", "stop it or choose another --data-dir");
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
          0);
      DataDirectory dd = new DataDirectory(root, ch, lock);
      dd.checkFormat();
      dd.removeLeftovers();
      return dd;
    } catch (IOException e) {
      throw cannotUse(root, e);
    }
  }

  /** Creates the directory and its parents; a file in the way is named as such. */
  private static void createDirectories(Path root) throws IOException {
    try {
      Files.createDirectories(root);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new DataDirectoryException(
          "cannot use data directory " + root + ": " + e.getFile() + " is a file, not a directory");
    }
  }

  private static DataDirectoryException cannotUse(Path root, IOException e) {
    return new DataDirectoryException(
        "cannot use data directory " + root + ": " + IoErrors.describe(e));
  }

  /**
   * Opens an existing directory for a command-line tool, without the server lock: the format is
   * checked (and stamped on a directory that has none yet) so a tool never writes into a layout it
   * does not know. A directory that does not exist is refused rather than made: a tool pointed at
   * the wrong path must not start a second, empty data directory there.
   */
  public static Path prepareForTool(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw missing(root);
    }
    try {
      int found = readFormat(root);
      if (found > FORMAT_VERSION) {
        throw newerFormat(root, found);
      }
      if (found == 0) {
        DurableFiles.writeAtomically(new DataLayout(root).formatFile(), stamp());
      }
      return root;
    } catch (IOException e) {
      throw cannotUse(root, e);
    }
  }

  private static DataDirectoryException missing(Path root) {
    return new DataDirectoryException(
        "data directory "
            + root
            + " does not exist; give the directory the server uses (--data-dir or "
            + "OPEND1_DATA_DIR)");
  }

  /**
   * Takes the server lock of an existing directory for an offline tool ({@code opend1 doctor})
   * without writing anything: the returned lock keeps a server from starting until it is closed.
   *
   * @throws DataDirectoryException when the directory is missing or a server holds it
   */
  public static AutoCloseable lockOffline(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw missing(root);
    }
    Path lockFile = new DataLayout(root).lockFile();
    if (!Files.exists(lockFile)) {
      return () -> {};
    }
    try {
      FileChannel ch =
          FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = lockOrRefuse(ch, root, "a running opend1 server", "stop it first");
      FileLock held = lock;
      return () -> {
        held.release();
        ch.close();
      };
    } catch (IOException e) {
      throw new DataDirectoryException(
          "cannot lock data directory " + root + ": " + IoErrors.describe(e));
    }
  }

  /**
   * Locks the open lock file, or closes it and refuses: "data directory ROOT is in use by WHO (pid
   * N); ADVICE".
   */
  private static FileLock lockOrRefuse(FileChannel ch, Path root, String who, String advice)
      throws IOException {
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // held by this very process (another server object in it)
    }
    if (lock == null) {
      String holder = readHolder(ch);
      ch.close();
      throw new DataDirectoryException(
          "data directory "
              + root
              + " is in use by "
              + who
              + (holder.isEmpty() ? "" : " (pid " + holder + ")")
              + "; "
              + advice);
    }
    return lock;
  }

  private static String readHolder(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(32);
    ch.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
  }

  private void checkFormat() throws IOException {
    int found = readFormat(root);
    if (found > FORMAT_VERSION) {
      close();
      throw newerFormat(root, found);
    }
    // Version 0 is a new directory; migrations from older versions will go here as they appear.
    if (found < FORMAT_VERSION) {
      DurableFiles.writeAtomically(layout().formatFile(), stamp());
    }
  }

  /** Deletes what a crash left: temporary files, and databases half way through a delete. */
  private void removeLeftovers() throws IOException {
    DurableFiles.deleteTree(layout().trashDir());
    DurableFiles.deleteTree(layout().tmpDir());
  }

  private static int readFormat(Path root) throws IOException {
    Path f = new DataLayout(root).formatFile();
    if (!Files.exists(f)) {
      return 0;
    }
    String text = Files.readString(f, StandardCharsets.UTF_8).trim();
    if (!text.startsWith(FORMAT_PREFIX)) {
      throw new DataDirectoryException(
          f + " does not look like an opend1 format stamp: '" + text + "'");
    }
    try {
      return Integer.parseInt(text.substring(FORMAT_PREFIX.length()).trim());
    } catch (NumberFormatException e) {
      throw new DataDirectoryException(f + " has an unreadable version: '" + text + "'");
    }
  }

  private static DataDirectoryException newerFormat(Path root, int found) {
    return new DataDirectoryException(
        "data directory "
            + root
            + " has format version "
            + found
            + ", newer than this opend1 understands ("
            + FORMAT_VERSION
            + "); run a newer opend1");
  }

  private static byte[] stamp() {
    return (FORMAT_PREFIX + FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8);
  }

  public Path root() {
    return root;
  }

  /** Where everything lives in the directory. */
  public DataLayout layout() {
    return new DataLayout(root);
  }

  @Override
  public void close() throws IOException {
    if (lock.isValid()) {
      lock.release();
    }
    lockChannel.close();
  }
}
