package dev.opend1.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How this node joins a cluster ({@code --advertise-url} and the shared secret): present only when
 * the node runs in one, which also needs the catalog in PostgreSQL and an object store.
 *
 * @param advertiseUrl how the other nodes reach this one
 * @param secret what every node of the cluster shares, to authenticate their calls to each other;
 *     never printed
 * @param leaseTtl how long a lease on a database lasts unless renewed
 * @param trust PEM certificates this node trusts when it calls another over https (a private
 *     authority's, or the nodes' own self-signed ones); empty: the JVM's trust store
 * @param eagerTakeover whether this node takes the databases no node serves over in the background
 *     ({@code --cluster-takeover eager}), or only on a request for one ({@code lazy})
 */
public record ClusterSettings(
    URI advertiseUrl,
    String secret,
    Duration leaseTtl,
    Optional<Path> trust,
    boolean eagerTakeover) {

  /** The variable the secret is read from when no file names it. */
  static final String SECRET_VARIABLE = "OPEND1_CLUSTER_SECRET";

  /** Fewer characters than this is no secret worth the name. */
  private static final int MIN_SECRET_LENGTH = 16;

  @Override
  public String toString() {
    return "ClusterSettings[advertiseUrl="
        + advertiseUrl
        + ", secret=***, leaseTtl="
        + leaseTtl
        + ", trust="
        + trust.map(Path::toString).orElse("-")
        + ", eagerTakeover="
        + eagerTakeover
        + "]";
  }

  /**
   * The cluster settings from their sources, checked against the rest: empty when {@code
   * advertise-url} is not set (and then no secret file or trust file may be either). {@code tls}
   * says whether the port serves HTTPS, which the advertised scheme must match.
   */
  static Optional<ClusterSettings> from(
      ConfigLoader.Source advertise,
      ConfigLoader.Source secretFile,
      Optional<String> secretFromEnv,
      Duration leaseTtl,
      boolean eagerTakeover,
      ConfigLoader.Source trustFile,
      boolean tls,
      boolean postgresCatalog,
      boolean objectStore) {
    if (advertise == null || advertise.value().isBlank()) {
      for (ConfigLoader.Source orphan : new ConfigLoader.Source[] {secretFile, trustFile}) {
        if (orphan != null) {
          throw ConfigLoader.invalid(orphan, "needs advertise-url (the node's cluster address)");
        }
      }
      return Optional.empty();
    }
    String url = advertise.value().strip().replaceAll("/+$", "");
    if (!url.matches("https?://[^/\\s?#]+")) {
      throw ConfigLoader.invalid(advertise, "must be http://HOST:PORT or https://HOST:PORT");
    }
    // The other nodes call the port as advertised: with tls-cert it answers HTTPS only.
    if (url.startsWith("https://") != tls) {
      throw ConfigLoader.invalid(
          advertise,
          tls
              ? "must be https://HOST:PORT: with tls-cert the port serves HTTPS only"
              : "is https://, but the port serves plain HTTP: set tls-cert and tls-key too");
    }
    Optional<Path> trust = Optional.empty();
    if (trustFile != null) {
      trust = Optional.of(ConfigLoader.readable(trustFile));
    }
    if (!postgresCatalog || !objectStore) {
      throw new ConfigException(
          "advertise-url joins a cluster, which needs catalog (postgresql://...) and object-store"
              + " (s3://...) too: the nodes share the catalog and every database's history");
    }
    String secret;
    if (secretFile != null) {
      Path file = Path.of(secretFile.value().strip());
      try {
        secret =
            Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .findFirst()
                .orElse("")
                .strip();
      } catch (IOException e) {
        throw ConfigLoader.invalid(secretFile, "must be a readable file");
      }
    } else {
      secret = secretFromEnv.map(String::strip).orElse("");
    }
    if (secret.length() < MIN_SECRET_LENGTH) {
      // Never echo it, not even a short one.
      throw new ConfigException(
          "a cluster needs its shared secret, at least "
              + MIN_SECRET_LENGTH
              + " characters, in "
              + SECRET_VARIABLE
              + " or the file named by "
              + Settings.CLUSTER_SECRET_FILE.flag());
    }
    return Optional.of(
        new ClusterSettings(URI.create(url), secret, leaseTtl, trust, eagerTakeover));
  }
}
