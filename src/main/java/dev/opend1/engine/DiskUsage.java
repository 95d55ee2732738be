package dev.opend1.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.function.ToLongFunction;

/**
 * How many bytes files take, for operators (metrics, {@code /status}). Files come and go while the
 * server runs; one that vanishes while it is counted counts as nothing.
 */
public final class DiskUsage {

  private DiskUsage() {}

  /** The bytes of the regular files under {@code dir}, at most {@code maxDepth} levels down. */
  public static long bytesUnder(Path dir, int maxDepth) {
    long[] total = {0};
    try {
      Files.walkFileTree(
          dir,
          EnumSet.noneOf(FileVisitOption.class),
          maxDepth,
          new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, BasicFileAttributes a) {
              if (a.isRegularFile()) {
                total[0] += a.size();
              }
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
              return java.nio.file.FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException gone) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("measure " + dir + ": " + e.getMessage(), e);
    }
    return total[0];
  }

  /** The sum of {@code perDatabase} over every database directory under {@code dbRoot}. */
  public static long overDatabases(Path dbRoot, ToLongFunction<Path> perDatabase) {
    long total = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dbRoot, Files::isDirectory)) {
      for (Path dir : dirs) {
        total += perDatabase.applyAsLong(dir);
      }
    } catch (NoSuchFileException gone) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("list " + dbRoot + ": " + e.getMessage(), e);
    }
    return total;
  }
}
