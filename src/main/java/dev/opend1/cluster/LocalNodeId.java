package dev.opend1.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * This node's id, made at its first start with a shared catalog and kept in the data directory
 * ({@code node-id}, written by the server's start): the files of the databases it creates are in
 * that directory, so the directory is the node. The id is the host's name (cut to what a {@link
 * NodeId} allows) and 8 random hex digits, so two data directories on one host are two nodes and an
 * operator can still tell where a node runs.
 */
public final class LocalNodeId {

  private LocalNodeId() {}

  /** A new id for a data directory that has none. */
  public static NodeId fresh() {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return new NodeId(hostPart() + "-" + HexFormat.of().formatHex(random));
  }

  /** The id a {@code node-id} file holds; {@code from} names the file in the error. */
  public static NodeId parse(String text, String from) {
    try {
      return new NodeId(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(from + " does not hold a node id: " + e.getMessage(), e);
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
