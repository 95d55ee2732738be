package dev.opend1.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * File operations that survive a crash: a file is written whole or not at all, and a new or renamed
 * entry is made durable by fsyncing its directory.
 */
public final class DurableFiles {

  private DurableFiles() {}

  /** Writes a file atomically: a temporary sibling, fsync, rename over, fsync the directory. */
  public static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    moveAtomically(tmp, file);
  }

  /** Renames atomically and fsyncs the directories involved. */
  public static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot rename " + from + " atomically", e);
    }
    syncDirectory(to.toAbsolutePath().getParent());
    Path fromDir = from.toAbsolutePath().getParent();
    if (!fromDir.equals(to.toAbsolutePath().getParent())) {
      syncDirectory(fromDir);
    }
  }

  /** Creates a directory (and parents) and makes its entry durable. */
  public static void createDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    syncDirectory(dir);
    syncDirectory(dir.toAbsolutePath().getParent());
  }

  /** Fsyncs a directory so the entries created or renamed in it survive a crash. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes a directory tree; a missing tree is fine. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
