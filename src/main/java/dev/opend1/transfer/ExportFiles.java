package dev.opend1.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an export's file is written: the local disk. A seam so tests can put a failing or full disk
 * in its place; an export that cannot write its file fails as a whole, and its partial file is
 * removed.
 */
@FunctionalInterface
interface ExportFiles {

  /** Opens {@code file} (already created, empty) for writing. */
  OutputStream create(Path file) throws IOException;

  ExportFiles LOCAL = Files::newOutputStream;
}
