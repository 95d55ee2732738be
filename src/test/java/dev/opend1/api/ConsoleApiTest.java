package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web console's files: served at / and /console/NAME, exactly the folder's, nothing else. */
class ConsoleApiTest {

  private static final Path FOLDER = Path.of("src/main/resources/console");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  TestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theRootServesThePageWithoutCredentials() throws Exception {
    server = TestServer.start(dir);
    HttpResponse<byte[]> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .contains("<script type=\"module\" src=\"/console/app.js\"></script>");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'", "connect-src 'self';", "frame-ancestors 'none'");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  /** HEAD answers like GET, headers and all, without the body (load balancers probe with it). */
  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    server = TestServer.start(dir);
    for (String path : List.of("/", "/console/app.js", "/healthz")) {
      HttpResponse<byte[]> got = get(path);
      HttpResponse<byte[]> head =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(head.statusCode()).as(path).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      for (String header : List.of("Content-Type", "Content-Security-Policy", "Cache-Control")) {
        assertThat(head.headers().firstValue(header))
            .as(path + " " + header)
            .isEqualTo(got.headers().firstValue(header));
      }
    }
  }

  @Test
  void everyFileOfTheFolderIsServedWithItsType() throws Exception {
    server = TestServer.start(dir);
    List<String> onDisk;
    try (Stream<Path> files = Files.list(FOLDER)) {
      onDisk = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(ConsoleRoutes.FILES).containsExactlyInAnyOrderElementsOf(onDisk);
    Map<String, String> types =
        Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8");
    for (String name : onDisk) {
      HttpResponse<byte[]> r = get(ConsoleRoutes.ASSETS + name);
      assertThat(r.statusCode()).as(name).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .as(name)
          .hasValue(types.get(name.substring(name.lastIndexOf('.') + 1)));
      assertThat(r.body()).as(name).isEqualTo(Files.readAllBytes(FOLDER.resolve(name)));
    }
  }

  /** A module that imports a file the server does not serve would fail only in a browser. */
  @Test
  void everyModuleImportNamesAServedFile() throws IOException {
    Pattern from = Pattern.compile("from \"\\./([^\"]+)\"");
    for (String name : ConsoleRoutes.FILES) {
      if (!name.endsWith(".js")) {
        continue;
      }
      Matcher m = from.matcher(Files.readString(FOLDER.resolve(name)));
      while (m.find()) {
        String imported = m.group(1);
        if (imported.startsWith(ConsoleVendor.PREFIX)) {
          assertThat(ConsoleVendor.FILES)
              .extracting(ConsoleVendor::name)
              .as("imported by " + name)
              .contains(imported.substring(ConsoleVendor.PREFIX.length()));
        } else {
          assertThat(ConsoleRoutes.FILES).as("imported by " + name).contains(imported);
        }
      }
    }
  }

  /** Vendor files come from their WebJars, byte for byte, with the console's headers. */
  @Test
  void everyVendorFileIsServedFromItsWebJar() throws Exception {
    server = TestServer.start(dir);
    for (ConsoleVendor file : ConsoleVendor.FILES) {
      HttpResponse<byte[]> r = get(ConsoleRoutes.ASSETS + ConsoleVendor.PREFIX + file.name());
      assertThat(r.statusCode()).as(file.name()).isEqualTo(200);
      assertThat(r.body()).as(file.name()).isEqualTo(file.read()).isNotEmpty();
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(file.name()).isPresent();
    }
    assertThat(get(ConsoleRoutes.ASSETS + ConsoleVendor.PREFIX + "nope.js").statusCode())
        .isEqualTo(404);
  }

  @Test
  void anythingElseIsD1sNoRoute() throws Exception {
    server = TestServer.start(dir);
    D1Client anonymous = server.client(Map.of());
    for (String path :
        List.of(
            "/console/nope.js",
            "/console/",
            "/console/%2e%2e%2fpom.xml",
            "/console/..%2fconsole.css",
            "/console/sub/app.js",
            "/index.html")) {
      D1Client.Reply r = anonymous.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.errorCode()).as(path).isEqualTo(7003);
    }
    assertThat(anonymous.post("/", "{}").status()).isEqualTo(404);
  }

  /** Signed transfer URLs point at the public URL, so the page may connect to it too. */
  @Test
  void thePublicUrlMayBeConnectedTo() throws Exception {
    server = TestServer.start(dir, Map.of("public-url", "https://d1.example.test:8443/"));
    assertThat(get("/").headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("connect-src 'self' https://d1.example.test:8443;");
  }
}
