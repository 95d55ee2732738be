package dev.opend1.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * Third-party front-end files the console uses, taken from WebJars on the classpath (Maven Central
 * artifacts declared in the pom; no CDN, no npm step) and served at {@code /console/vendor/NAME}.
 * Like the console's own files they are a fixed list read once at start: a request can only name
 * one of them, and a missing one fails the start.
 *
 * <p>Each entry names the WebJar by its Maven coordinates; the version comes from the jar's own
 * {@code pom.properties}, so upgrading a WebJar is a pom change only.
 */
record ConsoleVendor(String name, String group, String artifact, String path) {

  /** Where vendor files are served, below {@link ConsoleRoutes#ASSETS}. */
  static final String PREFIX = "vendor/";

  /** Every vendor file of the console. */
  static final List<ConsoleVendor> FILES =
      List.of(
          new ConsoleVendor("uplot.js", "org.webjars.npm", "uplot", "dist/uPlot.esm.js"),
          new ConsoleVendor("uplot.css", "org.webjars.npm", "uplot", "dist/uPlot.min.css"));

  /** The file's bytes, read from the WebJar on the classpath. */
  byte[] read() {
    String resource = "/META-INF/resources/webjars/" + artifact + "/" + version() + "/" + path;
    try (InputStream in = ConsoleVendor.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("console vendor file missing from the jar: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("read console vendor file " + resource, e);
    }
  }

  private String version() {
    String props = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = ConsoleVendor.class.getResourceAsStream(props)) {
      if (in == null) {
        throw new IllegalStateException("WebJar missing from the classpath: " + props);
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("read " + props, e);
    }
  }
}
