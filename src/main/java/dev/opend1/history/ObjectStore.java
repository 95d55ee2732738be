package dev.opend1.history;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Object storage as the history uses it: immutable objects under names relative to one prefix,
 * written only when absent. The S3 API implements it ({@code objectstore/S3ObjectStore}); tests run
 * it against a real S3 server.
 *
 * <p>Every failure to reach the store, a refusal of credentials or a 5xx answer is an {@link
 * IOException}: the caller retries later or fails the writes that wait for it.
 */
public interface ObjectStore {

  /** An object's name (relative to the store's prefix) and size. */
  record Listed(String name, long size) {}

  /**
   * Writes {@code content} as {@code name} unless an object of that name exists ({@code
   * If-None-Match: *}). Returns true when the store holds exactly {@code content} under that name
   * afterwards: written now, or found there with the same bytes (an earlier attempt whose reply was
   * lost). Returns false when an object with other bytes is there: another writer was first.
   */
  boolean putIfAbsent(String name, byte[] content) throws IOException;

  /** Like {@link #putIfAbsent(String, byte[])}, from a file (a snapshot). */
  boolean putIfAbsent(String name, Path file) throws IOException;

  /** An object's whole content, or empty when there is none. */
  Optional<byte[]> get(String name) throws IOException;

  /** Downloads an object into {@code file}, replacing it; returns the bytes written. */
  long download(String name, Path file) throws IOException;

  /** Every object whose name starts with {@code prefix}, sorted by name. */
  List<Listed> list(String prefix) throws IOException;

  /** Removes an object; a missing one is fine. */
  void delete(String name) throws IOException;

  /** Where the store is, for messages (never a secret). */
  String describe();
}
