package dev.opend1.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void defaultsApplyWithNothingGiven() {
    ServerConfig c = ConfigLoader.load(Map.of(), Map.of());
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8787);
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.maxDatabasesPerAccount()).isEqualTo(50_000);
    assertThat(c.maxBodyBytes()).isEqualTo(100_000_000L);
    assertThat(c.sql().maxStatementBytes()).isEqualTo(100_000);
    assertThat(c.sql().requestTimeout().toMillis()).isEqualTo(30_000);
    assertThat(c.bootstrapAccount()).isEmpty();
  }

  @Test
  void flagsBeatEnvironmentBeatsFileBeatsDefaults() throws Exception {
    Path file = dir.resolve("opend1.conf");
    Files.writeString(file, "port = 1111\nregion = APAC\nmax-columns = 50\nhost = 0.0.0.0\n");
    ServerConfig c =
        ConfigLoader.load(
            Map.of("config", file.toString(), "port", "3333"),
            Map.of("OPEND1_PORT", "2222", "OPEND1_REGION", "OC"));
    assertThat(c.port()).as("flag over env and file").isEqualTo(3333);
    assertThat(c.region().name()).as("env over file").isEqualTo("OC");
    assertThat(c.sql().maxColumns()).as("file over default").isEqualTo(50);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(ConfigLoader.load(Map.of(), Map.of("OPEND1_CONFIG", file.toString())).port())
        .as("the config file can be named in the environment too")
        .isEqualTo(1111);
  }

  @Test
  void everySettingFollowsTheOneNamingRule() {
    for (Setting s : Settings.ALL) {
      assertThat(s.flag()).isEqualTo("--" + s.name());
      assertThat(s.envVar())
          .isEqualTo("OPEND1_" + s.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      assertThat(s.name()).matches("[a-z][a-z0-9-]*");
    }
    // Each setting's environment variable reaches the loaded configuration.
    ServerConfig c =
        ConfigLoader.load(
            Map.of(), Map.of("OPEND1_MAX_OPEN_DATABASES", "7", "OPEND1_SQL_THREADS", "3"));
    assertThat(c.maxOpenDatabases()).isEqualTo(7);
    assertThat(c.sqlThreads()).isEqualTo(3);
  }

  @Test
  void badValuesNameTheSettingAndWhereTheyCameFrom() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("port", "70000"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'70000'")
        .hasMessageContaining("flag --port")
        .hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("OPEND1_MAX_COLUMNS", "many")))
        .hasMessageContaining("environment variable OPEND1_MAX_COLUMNS")
        .hasMessageContaining("whole number");
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "no-such-setting = 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .hasMessageContaining("unknown setting 'no-such-setting'");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("config", dir.resolve("missing").toString()), Map.of()))
        .hasMessageContaining("cannot read config file");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("public-url", "ftp://x"), Map.of()))
        .hasMessageContaining("http:// or https:// URL");
    assertThat(
            ConfigLoader.load(Map.of("public-url", "https://d1.example.com/"), Map.of())
                .publicUrl())
        .contains("https://d1.example.com");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("region", "MARS"), Map.of()))
        .hasMessageContaining("WNAM, ENAM, WEUR, EEUR, APAC, OC");
  }

  @Test
  void sizesAndDurationsTakeUnits() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of(
                "max-body-bytes", "10MB",
                "max-database-bytes", "1GiB",
                "max-value-bytes", "1.5 MB",
                "query-timeout-ms", "30s",
                "import-timeout-seconds", "1h",
                "restore-limit-window-seconds", "10m",
                "history-retention-days", "7d"),
            Map.of("OPEND1_MAX_TRANSFER_BYTES", "2TB", "OPEND1_MAX_IMPORT_BYTES", "512kib"));
    assertThat(c.maxBodyBytes()).isEqualTo(10_000_000L);
    assertThat(c.sql().maxDatabaseBytes()).isEqualTo(1L << 30);
    assertThat(c.sql().maxValueBytes()).isEqualTo(1_500_000);
    assertThat(c.sql().requestTimeout().toMillis()).isEqualTo(30_000);
    assertThat(c.importTimeout().toSeconds()).isEqualTo(3600);
    assertThat(c.restoreWindow().toSeconds()).isEqualTo(600);
    assertThat(c.historyRetention().toDays()).isEqualTo(7);
    assertThat(c.maxTransferBytes()).isEqualTo(2_000_000_000_000L);
    assertThat(c.maxImportBytes()).isEqualTo(512 * 1024L);
    // Plain numbers keep the setting's own unit.
    assertThat(
            ConfigLoader.load(Map.of("query-timeout-ms", "1500"), Map.of()).sql().requestTimeout())
        .isEqualTo(java.time.Duration.ofMillis(1500));
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("max-body-bytes", "10 parsecs"), Map.of()))
        .hasMessageContaining("'10 parsecs'")
        .hasMessageContaining("10MB");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("import-timeout-seconds", "1500ms"), Map.of()))
        .hasMessageContaining("whole number of seconds");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("max-columns", "10MB"), Map.of()))
        .hasMessageContaining("whole number");
  }

  @Test
  void anOpend1VariableThatIsNoSettingNamesTheClosestOne() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("OPEND1_DATADIR", "/srv/d1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("OPEND1_DATADIR")
        .hasMessageContaining("did you mean OPEND1_DATA_DIR");
    // The variables the launcher and the logging read are not settings, and are fine.
    ConfigLoader.load(
        Map.of(),
        Map.of("OPEND1_JAVA_OPTS", "-Xmx1g", "OPEND1_LOG_LEVEL", "DEBUG", "PATH", "/bin"));
  }

  @Test
  void configFileLinesMustBeNameEqualsValue() throws Exception {
    Path file = dir.resolve("opend1.conf");
    Files.writeString(
        file, "# a comment\n\n  port = 1111  \nhost=0.0.0.0\ndata-dir = \"/srv/opend1 data\"\n");
    ServerConfig c = ConfigLoader.load(Map.of("config", file.toString()), Map.of());
    assertThat(c.port()).isEqualTo(1111);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.dataDir()).isEqualTo(Path.of("/srv/opend1 data"));
    Files.writeString(file, "port = 1111\nport: 18955\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .hasMessage("config file " + file + " line 2: 'port: 18955' is not a `name = value` line");
    Files.writeString(file, "port = 1111\nport = 2222\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .hasMessageContaining("line 2: port is already set on line 1");
    Files.writeString(file, "data_dir = /srv\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .hasMessageContaining("unknown setting 'data_dir'")
        .hasMessageContaining("did you mean data-dir");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", dir.toString()), Map.of()))
        .hasMessageContaining("cannot read config file " + dir)
        .hasMessageContaining("is a directory");
  }

  /** The release's sample config loads as it is, and with every commented setting uncommented. */
  @Test
  void theSampleConfigFileIsValidWithEveryLineUncommented() throws Exception {
    Path sample = Path.of("src/dist/opend1.conf");
    ServerConfig c = ConfigLoader.load(Map.of("config", sample.toString()), Map.of());
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/opend1"));
    StringBuilder all = new StringBuilder();
    int uncommented = 0;
    for (String line : Files.readAllLines(sample)) {
      if (line.matches("# [a-z-]+ = .*")) {
        line = line.substring(2);
        uncommented++;
      }
      all.append(line).append('\n');
    }
    assertThat(uncommented).isGreaterThan(10);
    Path every = Files.writeString(dir.resolve("every.conf"), all.toString());
    Files.writeString(dir.resolve("cert.pem"), "x");
    ServerConfig e =
        ConfigLoader.load(
            Map.of(
                "config", every.toString(),
                "tls-cert", dir.resolve("cert.pem").toString(),
                "tls-key", dir.resolve("cert.pem").toString()),
            Map.of());
    assertThat(e.jsonLogs()).isTrue();
    assertThat(e.metricsPort()).isEqualTo(9187);
  }

  @Test
  void theBootstrapCredentialsGoTogetherAndStaySecret() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("OPEND1_ACCOUNT_ID", "0".repeat(32))))
        .hasMessageContaining("go together");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), Map.of("OPEND1_ACCOUNT_ID", "ABC", "OPEND1_API_TOKEN", "t")))
        .hasMessageContaining("32 lowercase hex");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), Map.of("OPEND1_ACCOUNT_ID", "0".repeat(32), "OPEND1_API_TOKEN", "")))
        .hasMessageContaining("must not be empty");
    ServerConfig c =
        ConfigLoader.load(
            Map.of(),
            Map.of("OPEND1_ACCOUNT_ID", "0".repeat(32), "OPEND1_API_TOKEN", "s3cret-token-value"));
    assertThat(c.bootstrapToken()).contains("s3cret-token-value");
    assertThat(c.toString()).doesNotContain("s3cret-token-value");
  }

  @Test
  void aPostgresCatalogIsAUrlWithoutPasswordAndAPasswordFromElsewhere() throws Exception {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).catalog()).isEmpty();
    PostgresLocation p =
        ConfigLoader.load(
                Map.of("catalog", "postgresql://op@db.internal/opend1"),
                Map.of("PGPASSWORD", "from-env"))
            .catalog()
            .orElseThrow();
    assertThat(p.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/opend1");
    assertThat(p.user()).isEqualTo("op");
    assertThat(p.password()).contains("from-env");
    assertThat(p.toString()).doesNotContain("from-env");
    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\nignored\n");
    PostgresLocation fromFile =
        ConfigLoader.load(
                Map.of(
                    "catalog",
                    "postgresql://op@[::1]:6543/opend1",
                    "catalog-password-file",
                    file.toString()),
                Map.of("PGPASSWORD", "from-env"))
            .catalog()
            .orElseThrow();
    assertThat(fromFile.password()).contains("from-file");
    assertThat(fromFile.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:6543/opend1");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("catalog", "postgresql://op:hunter2@db/x"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must not hold a password")
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("catalog", "mysql://op@db/x"), Map.of()))
        .hasMessageContaining("must be postgresql://USER@HOST:PORT/DATABASE");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("catalog-password-file", file.toString()), Map.of()))
        .hasMessageContaining("needs catalog");
    // Both together: the catalog in PostgreSQL, the history in the bucket.
    ServerConfig both =
        ConfigLoader.load(
            Map.of("catalog", "postgresql://op@db/x", "object-store", "s3://bucket/p"), Map.of());
    assertThat(both.catalog()).isPresent();
    assertThat(both.objectStore()).isPresent();
  }

  @Test
  void aClusterNodeNeedsTheCatalogTheStoreAndTheSecretAndWritesSync(@TempDir Path dir)
      throws Exception {
    Map<String, String> member =
        Map.of(
            "catalog", "postgresql://op@db/x",
            "object-store", "s3://bucket/p",
            "advertise-url", "http://10.0.0.7:8787/");
    Map<String, String> secret = Map.of("OPEND1_CLUSTER_SECRET", "a-secret-of-twenty-chars");
    ServerConfig config = ConfigLoader.load(member, secret);
    assertThat(config.cluster().orElseThrow().advertiseUrl()).hasToString("http://10.0.0.7:8787");
    assertThat(config.cluster().get().secret()).isEqualTo("a-secret-of-twenty-chars");
    // The default durability becomes sync; the secret never shows.
    assertThat(config.objectStore().orElseThrow().sync()).isTrue();
    assertThat(config.toString()).doesNotContain("a-secret-of-twenty-chars");

    Map<String, String> async = new java.util.HashMap<>(member);
    async.put("object-store-durability", "async");
    assertThatThrownBy(() -> ConfigLoader.load(async, secret))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs sync");
    assertThatThrownBy(() -> ConfigLoader.load(member, Map.of()))
        .hasMessageContaining("OPEND1_CLUSTER_SECRET");
    assertThatThrownBy(
            () -> ConfigLoader.load(member, Map.of("OPEND1_CLUSTER_SECRET", "short-secret")))
        .hasMessageContaining("at least 16 characters")
        .message()
        .doesNotContain("short-secret");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("catalog", "postgresql://op@db/x", "advertise-url", "http://a:1"),
                    secret))
        .hasMessageContaining("needs catalog (postgresql://...) and object-store");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "catalog", "postgresql://op@db/x",
                        "object-store", "s3://bucket/p",
                        "advertise-url", "ftp://a:1"),
                    secret))
        .hasMessageContaining("must be http://HOST:PORT");
    Path file = dir.resolve("secret");
    Files.writeString(file, "from-the-secret-file\n");
    Map<String, String> withFile = new java.util.HashMap<>(member);
    withFile.put("cluster-secret-file", file.toString());
    assertThat(ConfigLoader.load(withFile, Map.of()).cluster().orElseThrow().secret())
        .isEqualTo("from-the-secret-file");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("cluster-secret-file", file.toString()), Map.of()))
        .hasMessageContaining("needs advertise-url");
    // Without advertise-url, nothing of a cluster.
    assertThat(ConfigLoader.load(Map.of(), Map.of()).cluster()).isEmpty();
  }

  /**
   * The advertised scheme matches what the port serves, and the trust file for calls to other nodes
   * is a member's setting only.
   */
  @Test
  void aClusterNodeAdvertisesTheSchemeItServesAndMayNameTheCertificatesItTrusts(@TempDir Path dir)
      throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "");
    Path key = Files.writeString(dir.resolve("key.pem"), "");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "");
    Map<String, String> secret = Map.of("OPEND1_CLUSTER_SECRET", "a-secret-of-twenty-chars");
    Map<String, String> member = new java.util.HashMap<>();
    member.put("catalog", "postgresql://op@db/x");
    member.put("object-store", "s3://bucket/p");
    member.put("advertise-url", "https://10.0.0.7:8787");
    assertThatThrownBy(() -> ConfigLoader.load(member, secret))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("advertise-url")
        .hasMessageContaining("set tls-cert and tls-key too");
    member.put("tls-cert", cert.toString());
    member.put("tls-key", key.toString());
    ClusterSettings tls = ConfigLoader.load(member, secret).cluster().orElseThrow();
    assertThat(tls.advertiseUrl()).hasToString("https://10.0.0.7:8787");
    assertThat(tls.trust()).isEmpty();
    member.put("cluster-ca-file", ca.toString());
    assertThat(ConfigLoader.load(member, secret).cluster().orElseThrow().trust()).contains(ca);
    member.put("advertise-url", "http://10.0.0.7:8787");
    assertThatThrownBy(() -> ConfigLoader.load(member, secret))
        .hasMessageContaining("must be https://HOST:PORT: with tls-cert the port serves HTTPS");
    member.put("advertise-url", "https://10.0.0.7:8787");
    member.put("cluster-ca-file", dir.resolve("missing.pem").toString());
    assertThatThrownBy(() -> ConfigLoader.load(member, secret))
        .hasMessageContaining("cluster-ca-file")
        .hasMessageContaining("must be a readable file");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("cluster-ca-file", ca.toString()), Map.of()))
        .hasMessageContaining("needs advertise-url");
  }
}
