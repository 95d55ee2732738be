package dev.opend1.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** The hand-written fake of {@link ObjectStore}: objects in memory; can be made unreachable. */
final class MemoryObjectStore implements ObjectStore {

  final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
  final AtomicBoolean down = new AtomicBoolean();

  /** Every prefix listed, in order. */
  final List<String> listed = new java.util.concurrent.CopyOnWriteArrayList<>();

  private void reachable() throws IOException {
    if (down.get()) {
      throw new IOException("connection refused (injected)");
    }
  }

  @Override
  public boolean putIfAbsent(String name, byte[] content) throws IOException {
    reachable();
    byte[] there = objects.putIfAbsent(name, content.clone());
    return there == null || java.util.Arrays.equals(there, content);
  }

  @Override
  public boolean putIfAbsent(String name, Path file) throws IOException {
    return putIfAbsent(name, Files.readAllBytes(file));
  }

  @Override
  public Optional<byte[]> get(String name) throws IOException {
    reachable();
    return Optional.ofNullable(objects.get(name)).map(byte[]::clone);
  }

  @Override
  public long download(String name, Path file) throws IOException {
    byte[] b = get(name).orElseThrow(() -> new IOException("no such object " + name));
    Files.write(file, b);
    return b.length;
  }

  @Override
  public List<Listed> list(String prefix) throws IOException {
    reachable();
    listed.add(prefix);
    List<Listed> out = new ArrayList<>();
    objects.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.add(new Listed(k, v.length));
          }
        });
    return out;
  }

  @Override
  public void delete(String name) throws IOException {
    reachable();
    objects.remove(name);
  }

  @Override
  public String describe() {
    return "memory";
  }
}
