package dev.opend1.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git revision this build was made from, as the build wrote them into {@code
 * opend1-build.properties}; {@code dev}/{@code unknown} when run from sources without it.
 *
 * @param version the project version ({@code 0.1.0})
 * @param revision the git commit, abbreviated, or {@code unknown}
 */
public record BuildInfo(String version, String revision) {

  private static final BuildInfo CURRENT = read();

  /** This build's. */
  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo read() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/opend1-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Unknown, as below.
    }
    return new BuildInfo(
        clean(p.getProperty("version"), "dev"), clean(p.getProperty("revision"), "unknown"));
  }

  /** A value the build filled in, or {@code fallback} for a missing or unfilled one. */
  private static String clean(String value, String fallback) {
    return value == null || value.isBlank() || value.startsWith("${") ? fallback : value.strip();
  }
}
