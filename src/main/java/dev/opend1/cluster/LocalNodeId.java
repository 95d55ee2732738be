package dev.opend1.cluster;

import dev.opend1.core.DataLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * This node's id, made at its first start with a shared catalog and kept in the data directory
 * ({@code node-id}): the files of the databases it creates are in that directory, so the directory
 * is the node. The id is the host's name (cut to what a {@link NodeId} allows) and 8 random hex
 * digits, so two data directories on one host are two nodes and an operator can still tell where a
 * node runs.
 */
public final class LocalNodeId {

  private LocalNodeId() {}

  /** The id kept in the data directory, made and stored durably first if there is none. */
  public static NodeId of(DataLayout layout) {
    Path file = layout.nodeIdFile();
    try {
      if (Files.exists(file)) {
        return read(file);
      }
      byte[] random = new byte[4];
      new SecureRandom().nextBytes(random);
      NodeId made = new NodeId(hostPart() + "-" + HexFormat.of().formatHex(random));
      // Written beside, synced, then renamed over: a crash leaves the whole id or none.
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap((made.value() + "\n").getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException("node id in " + file + ": " + e.getMessage(), e);
    }
  }

  private static NodeId read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    try {
      return new NodeId(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + " does not hold a node id: " + e.getMessage(), e);
    }
  }

  /** The host's name in the letters a node id allows, at most 40 of them; "node" without one. */
  private static String hostPart() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "";
    }
    String cleaned = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    cleaned = cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
    return cleaned.isEmpty() ? "node" : cleaned;
  }
}
