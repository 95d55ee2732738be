package dev.opend1.history;

import dev.opend1.engine.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A history in a local directory, {@code DATA_DIR/db/<uuid>/history/}. */
class LocalHistoryStore implements HistoryStore {

  private final Path dir;

  LocalHistoryStore(Path dir) throws IOException {
    this.dir = dir;
    if (!Files.isDirectory(dir)) {
      DurableFiles.createDirectory(dir);
    }
  }

  @Override
  public List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.endsWith(".tmp")) {
          names.add(n);
        }
      }
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public FileChannel openAppend(String name) throws IOException {
    Path p = dir.resolve(name);
    boolean created = !Files.exists(p);
    FileChannel ch =
        FileChannel.open(
            p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    if (created) {
      DurableFiles.syncDirectory(dir);
    }
    return ch;
  }

  @Override
  public FileChannel openRead(String name) throws IOException {
    return FileChannel.open(dir.resolve(name), StandardOpenOption.READ);
  }

  @Override
  public Optional<Path> localFile(String name) {
    return Optional.of(dir.resolve(name));
  }

  @Override
  public Path scratch(String name) throws IOException {
    Path p = dir.resolve(name + ".tmp");
    Files.deleteIfExists(p);
    return p;
  }

  @Override
  public void put(String name, Path built) throws IOException {
    try (FileChannel ch = FileChannel.open(built, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    DurableFiles.moveAtomically(built, dir.resolve(name));
  }

  @Override
  public void truncate(String name, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.WRITE)) {
      ch.truncate(size);
      ch.force(true);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(name));
  }

  @Override
  public byte[] readSmall(String name) throws IOException {
    try {
      return Files.readAllBytes(dir.resolve(name));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public void writeSmall(String name, byte[] content) throws IOException {
    DurableFiles.writeAtomically(dir.resolve(name), content);
  }

  @Override
  public void clearScratch() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
  }
}
