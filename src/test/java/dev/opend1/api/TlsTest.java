package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.config.ConfigException;
import dev.opend1.config.ConfigLoader;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --tls-cert}/{@code --tls-key}: a self-signed certificate made by Debian's openssl at test
 * time; the server answers HTTPS to a client trusting exactly that certificate, and plain HTTP on
 * the same port gets no answer.
 */
class TlsTest {

  @TempDir Path dir;

  /** Runs openssl with these arguments in the temporary directory. */
  private void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
  }

  /** A self-signed certificate for 127.0.0.1 with a key of the given kind; returns the key file. */
  private Path certificate(String kind) throws Exception {
    String[] newkey =
        kind.equals("ec")
            ? new String[] {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}
            : new String[] {"-newkey", "rsa:2048"};
    List<String> args = new java.util.ArrayList<>(List.of("req", "-x509", "-nodes", "-days", "2"));
    args.addAll(List.of(newkey));
    args.addAll(
        List.of(
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost"));
    openssl(args.toArray(String[]::new));
    if (kind.equals("rsa-pkcs1")) {
      openssl("rsa", "-in", "key.pem", "-traditional", "-out", "key1.pem");
      assertThat(Files.readString(dir.resolve("key1.pem"))).contains("BEGIN RSA PRIVATE KEY");
      return dir.resolve("key1.pem");
    }
    assertThat(Files.readString(dir.resolve("key.pem"))).contains("BEGIN PRIVATE KEY");
    return dir.resolve("key.pem");
  }

  /** An encrypted key, in either PEM form openssl writes, is named as encrypted. */
  @Test
  void anEncryptedKeySaysItIsEncrypted() throws Exception {
    Path key = certificate("rsa");
    Path cert = dir.resolve("cert.pem");
    openssl(
        "pkcs8",
        "-topk8",
        "-in",
        key.toString(),
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:secret",
        "-out",
        "pkcs8.pem");
    assertThat(Files.readString(dir.resolve("pkcs8.pem"))).contains("BEGIN ENCRYPTED PRIVATE KEY");
    openssl(
        "rsa",
        "-in",
        key.toString(),
        "-aes256",
        "-passout",
        "pass:secret",
        "-traditional",
        "-out",
        "pkcs1.pem");
    assertThat(Files.readString(dir.resolve("pkcs1.pem"))).contains("Proc-Type: 4,ENCRYPTED");
    for (String name : List.of("pkcs8.pem", "pkcs1.pem")) {
      Path encrypted = dir.resolve(name);
      assertThatThrownBy(
              () ->
                  TestServer.start(
                      dir.resolve("d-" + name),
                      Map.of("tls-cert", cert.toString(), "tls-key", encrypted.toString())))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("tls-key " + encrypted + ": the key is encrypted")
          .hasMessageContaining("openssl pkey -in " + encrypted);
    }
  }

  /** Points {@code link} at {@code target}, replacing what was there in one step. */
  private static void link(Path link, Path target) throws IOException {
    Path fresh = link.resolveSibling(link.getFileName() + ".new");
    Files.createSymbolicLink(fresh, target);
    Files.move(fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The subject of the certificate a server presents to a new connection. */
  private static String presented(SSLContext trust, int port) throws Exception {
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  /**
   * A renewed certificate and key written over the configured files are served to new connections
   * within seconds, without a restart; a pair that does not fit together is refused and the current
   * one kept.
   */
  @Test
  void renewedFilesAreServedWithoutARestart() throws Exception {
    Path live = Files.createDirectories(dir.resolve("live"));
    for (String cn : List.of("first", "second")) {
      openssl(
          "req",
          "-x509",
          "-nodes",
          "-days",
          "2",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-keyout",
          cn + "-key.pem",
          "-out",
          cn + "-cert.pem",
          "-subj",
          "/CN=" + cn,
          "-addext",
          "subjectAltName=IP:127.0.0.1");
    }
    // As certbot keeps them: live/ holds links to the files of the current pair.
    link(live.resolve("cert.pem"), dir.resolve("first-cert.pem"));
    link(live.resolve("key.pem"), dir.resolve("first-key.pem"));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (String cn : List.of("first", "second")) {
      try (InputStream in = Files.newInputStream(dir.resolve(cn + "-cert.pem"))) {
        trust.setCertificateEntry(
            cn, CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    try (TestServer server =
        TestServer.start(
            dir.resolve("data"),
            Map.of(
                "tls-cert", live.resolve("cert.pem").toString(),
                "tls-key", live.resolve("key.pem").toString()))) {
      assertThat(presented(ssl, server.port())).isEqualTo("CN=first");

      // Half a renewal: the new certificate with the old key. Refused (the reloader says so);
      // the old pair stays.
      ch.qos.logback.classic.Logger reloader =
          (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TlsReloader.class);
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> said =
          new ch.qos.logback.core.read.ListAppender<>();
      said.start();
      reloader.addAppender(said);
      try {
        link(live.resolve("cert.pem"), dir.resolve("second-cert.pem"));
        for (int i = 0; i < 150 && said.list.isEmpty(); i++) {
          Thread.sleep(100);
        }
      } finally {
        reloader.detachAppender(said);
      }
      assertThat(said.list).isNotEmpty();
      assertThat(said.list.get(0).getFormattedMessage())
          .contains("cannot be used yet")
          .contains("does not match the certificate");
      assertThat(presented(ssl, server.port())).isEqualTo("CN=first");

      // The whole renewal: the new key too.
      link(live.resolve("key.pem"), dir.resolve("second-key.pem"));
      String now = presented(ssl, server.port());
      for (int i = 0; i < 150 && !now.equals("CN=second"); i++) {
        Thread.sleep(100);
        now = presented(ssl, server.port());
      }
      assertThat(now).isEqualTo("CN=second");
    }
  }

  private HttpClient trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "opend1", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(30)).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa", "rsa-pkcs1", "ec"})
  void servesHttpsOnlyWithThePemCertificateAndKey(String kind) throws Exception {
    Path key = certificate(kind);
    Path cert = dir.resolve("cert.pem");
    try (TestServer server =
        TestServer.start(
            dir.resolve("data"), Map.of("tls-cert", cert.toString(), "tls-key", key.toString()))) {
      assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
      HttpClient client = trusting(cert);
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/client/v4/user/tokens/verify"))
                  .header("Authorization", "Bearer " + TestServer.TOKEN)
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode json = D1Client.JSON.readTree(r.body());
      assertThat(json.get("success").asBoolean()).isTrue();

      // A write with a body works over TLS too.
      client.send(
          HttpRequest.newBuilder(URI.create(server.baseUrl() + TestServer.databases()))
              .header("Authorization", "Bearer " + TestServer.TOKEN)
              .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tls\"}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> export =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(server.baseUrl() + TestServer.databases() + "/tls/export"))
                  .header("Authorization", "Bearer " + TestServer.TOKEN)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"output_format\":\"polling\"}"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(export.statusCode()).as(export.body()).isEqualTo(200);

      // Plain HTTP on the same port: no HTTP answer at all.
      String plain = server.baseUrl().replace("https://", "http://") + "/healthz";
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create(plain))
                              .timeout(Duration.ofSeconds(30))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);

      // A client that does not trust the certificate is refused by the handshake.
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/healthz"))
                              .timeout(Duration.ofSeconds(30))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }
  }

  private Map<String, String> flags(Map<String, String> tls) {
    Map<String, String> flags = new java.util.HashMap<>(tls);
    flags.put("data-dir", dir.resolve("data").toString());
    return flags;
  }

  @Test
  void oneWithoutTheOtherIsAStartupError() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "x");
    assertThatThrownBy(
            () -> ConfigLoader.load(flags(Map.of("tls-cert", cert.toString())), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "tls-cert and tls-key go together: set both (--tls-cert and --tls-key) to serve"
                + " HTTPS, or neither");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("OPEND1_TLS_KEY", cert.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls-cert and tls-key go together");
  }

  @Test
  void unreadableFilesAreAStartupError() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "x");
    String missing = dir.resolve("missing.pem").toString();
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    flags(Map.of("tls-cert", cert.toString(), "tls-key", missing)), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid value '" + missing + "' from flag --tls-key: must be a readable file");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    flags(Map.of("tls-cert", dir.toString(), "tls-key", cert.toString())),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid value '" + dir + "' from flag --tls-cert: must be a readable file");
  }

  @Test
  void filesThatAreNotPemAreAStartupErrorNamingTheFile() throws Exception {
    Path key = certificate("rsa");
    Path cert = dir.resolve("cert.pem");
    Path junk = dir.resolve("junk.pem");
    Files.writeString(junk, "not a pem file\n");
    assertThatThrownBy(
            () ->
                TestServer.start(
                    dir.resolve("d1"),
                    Map.of("tls-cert", junk.toString(), "tls-key", key.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls-cert " + junk + ": no PEM CERTIFICATE block found");
    assertThatThrownBy(
            () ->
                TestServer.start(
                    dir.resolve("d2"),
                    Map.of("tls-cert", cert.toString(), "tls-key", cert.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls-key " + cert + ": no PEM 'PRIVATE KEY'");
    // The key of another certificate does not fit this one.
    Path otherDir = Files.createDirectories(dir.resolve("other"));
    Files.move(key, otherDir.resolve("key.pem"));
    Files.move(cert, otherDir.resolve("cert.pem"));
    Path key2 = certificate("ec");
    assertThatThrownBy(
            () ->
                TestServer.start(
                    dir.resolve("d3"),
                    Map.of(
                        "tls-cert",
                        otherDir.resolve("cert.pem").toString(),
                        "tls-key",
                        key2.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not match the certificate");
  }
}
