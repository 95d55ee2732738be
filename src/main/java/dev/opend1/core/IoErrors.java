package dev.opend1.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * An {@link IOException} in words an operator can act on. The JDK's file exceptions carry only the
 * path as their message ({@code AccessDeniedException: /srv/data}); this says what went wrong with
 * it: {@code /srv/data: permission denied}.
 */
public final class IoErrors {

  private IoErrors() {}

  /** What failed, with the file it failed on. */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      String file = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
      String what =
          switch (fs) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case NotDirectoryException n -> "not a directory";
            case FileAlreadyExistsException f -> "already exists";
            case DirectoryNotEmptyException d -> "directory not empty";
            default -> fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason();
          };
      return file + ": " + what;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
