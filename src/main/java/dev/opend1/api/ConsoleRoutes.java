package dev.opend1.api;

import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The web console: static files from the jar's {@code console/} folder, {@code index.html} at
 * {@code /} and the rest at {@code /console/NAME}, and the WebJar files it uses at {@code
 * /console/vendor/NAME} ({@link ConsoleVendor}). The console is plain ES modules that call the D1
 * REST API under {@code /client/v4} from the same origin, so it needs nothing else here.
 *
 * <p>The files are a fixed list read once at start: a request can name only one of them (no path is
 * ever resolved from a request), and a missing file fails the start rather than a page later. The
 * Content-Security-Policy lets the pages load only their own scripts and styles and talk only to
 * this server (and the public URL that signed transfer URLs point at), because the console holds an
 * API token in {@code sessionStorage}.
 */
final class ConsoleRoutes {

  /** Where the files other than {@code index.html} are served. */
  static final String ASSETS = "/console/";

  /** Every file of the console, as named in {@code src/main/resources/console/}. */
  static final List<String> FILES =
      List.of(
          "index.html",
          "console.css",
          "app.js",
          "api.js",
          "asof.js",
          "dom.js",
          "md5.js",
          "signin.js",
          "databases.js",
          "database.js",
          "tables.js",
          "sql.js",
          "timetravel.js",
          "transfer.js",
          // The data tools: schema, row browser, SQL editor, results.
          "cells.js",
          "schema.js",
          "keyset.js",
          "offsetpage.js",
          "statement.js",
          "browse.js",
          "sqltokens.js",
          "sqleditor.js",
          "history.js",
          "results.js",
          "resultfiles.js",
          "importfailure.js",
          // The views: overview, insights, timeline, confirmations.
          "confirmname.js",
          "analytics.js",
          "charts.js",
          "overview.js",
          "activity.js",
          "insights.js",
          "timeline.js",
          // Time travel beyond D1: branch, diff, and downloads through the service worker.
          "branch.js",
          "diff.js",
          "download.js",
          "download-worker.js",
          "ranges.js");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html;charset=utf-8",
          "css", "text/css;charset=utf-8",
          "js", "text/javascript;charset=utf-8");

  private final Map<String, byte[]> files;
  private final Map<String, byte[]> vendor;
  private final String securityPolicy;

  ConsoleRoutes(Optional<String> publicUrl) {
    this.files =
        FILES.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), ConsoleRoutes::read));
    this.vendor =
        ConsoleVendor.FILES.stream()
            .collect(Collectors.toUnmodifiableMap(ConsoleVendor::name, ConsoleVendor::read));
    String connect = publicUrl.map(ConsoleRoutes::origin).map(o -> "'self' " + o).orElse("'self'");
    this.securityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src "
            + connect
            + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  }

  /** {@code GET /}. */
  void index(Context ctx) {
    send(ctx, "index.html", files.get("index.html"));
  }

  /** {@code GET /console/{file}}: one of {@link #FILES}, else D1's "No route" 404. */
  void asset(Context ctx) {
    String name = ctx.pathParam("file");
    if (!files.containsKey(name)) {
      throw new D1Exception.NoRoute();
    }
    send(ctx, name, files.get(name));
  }

  /** {@code GET /console/vendor/{file}}: one of {@link ConsoleVendor#FILES}, else 404. */
  void vendorAsset(Context ctx) {
    String name = ctx.pathParam("file");
    if (!vendor.containsKey(name)) {
      throw new D1Exception.NoRoute();
    }
    send(ctx, name, vendor.get(name));
  }

  private void send(Context ctx, String name, byte[] body) {
    ctx.status(200)
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Content-Security-Policy", securityPolicy)
        .contentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)))
        .result(body);
  }

  private static byte[] read(String name) {
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("console file missing from the jar: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("read console file " + name, e);
    }
  }

  /** {@code scheme://host[:port]} of a URL, as a CSP source. */
  private static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + u.getRawAuthority();
  }
}
