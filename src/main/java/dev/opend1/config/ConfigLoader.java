package dev.opend1.config;

import dev.opend1.core.AccountId;
import dev.opend1.core.Region;
import dev.opend1.core.SqlCompat;
import dev.opend1.core.SqlLimits;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link ServerConfig} from its four sources, highest first: command-line flags,
 * environment variables, the config file named by {@code --config}, then the defaults in {@link
 * Settings}.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param flags values given on the command line, keyed by setting name
   * @param env the process environment
   */
  public static ServerConfig load(Map<String, String> flags, Map<String, String> env) {
    checkEnvironment(env);
    Map<String, Source> values = resolve(flags, env);
    String accountId = text(values, Settings.ACCOUNT_ID);
    String token = text(values, Settings.API_TOKEN);
    if ((accountId == null) != (token == null)) {
      throw new ConfigException(
          "account-id and api-token go together: set both ("
              + Settings.ACCOUNT_ID.envVar()
              + " and "
              + Settings.API_TOKEN.envVar()
              + ") or neither");
    }
    Optional<AccountId> account = Optional.empty();
    if (accountId != null) {
      account =
          Optional.of(
              AccountId.parse(accountId)
                  .orElseThrow(
                      () ->
                          invalid(
                              values.get(Settings.ACCOUNT_ID.name()),
                              "must be 32 lowercase hex characters")));
    }
    if (token != null && token.isEmpty()) {
      throw invalid(values.get(Settings.API_TOKEN.name()), "must not be empty");
    }
    Optional<PostgresLocation> catalog = postgres(values, env);
    Optional<ObjectStoreSettings> objectStore = objectStore(values);
    Optional<ClusterSettings> cluster =
        ClusterSettings.from(
            values.get(Settings.ADVERTISE_URL.name()),
            values.get(Settings.CLUSTER_SECRET_FILE.name()),
            Optional.ofNullable(env.get(ClusterSettings.SECRET_VARIABLE)),
            Duration.ofMillis(number(values, Settings.CLUSTER_LEASE_TTL, 500, 3_600_000)),
            choice(values, Settings.CLUSTER_TAKEOVER, "eager", "lazy").equals("eager"),
            values.get(Settings.CLUSTER_CA_FILE.name()),
            values.containsKey(Settings.TLS_CERT.name()),
            catalog.isPresent(),
            objectStore.isPresent());
    if (cluster.isPresent()) {
      objectStore = Optional.of(clusterDurability(values, objectStore.orElseThrow()));
    }
    Source regionValue = values.get(Settings.REGION.name());
    Region region =
        Region.fromName(regionValue.value())
            .orElseThrow(
                () -> invalid(regionValue, "must be one of WNAM, ENAM, WEUR, EEUR, APAC, OC"));
    return new ServerConfig(
        text(values, Settings.HOST),
        (int) number(values, Settings.PORT, 0, 65535),
        Path.of(text(values, Settings.DATA_DIR)),
        region,
        account,
        Optional.ofNullable(token),
        (int) number(values, Settings.MAX_DATABASES, 1, Integer.MAX_VALUE),
        number(values, Settings.MAX_BODY_BYTES, 1, Long.MAX_VALUE),
        (int) number(values, Settings.MAX_STATEMENTS_PER_REQUEST, 1, Integer.MAX_VALUE - 1),
        new SqlLimits(
            (int) number(values, Settings.MAX_STATEMENT_BYTES, 1, Integer.MAX_VALUE),
            (int) number(values, Settings.MAX_BOUND_PARAMETERS, 1, 32766),
            (int) number(values, Settings.MAX_VALUE_BYTES, 1, Integer.MAX_VALUE),
            (int) number(values, Settings.MAX_COLUMNS, 1, 32767),
            (int) number(values, Settings.MAX_FUNCTION_ARGS, 1, 127),
            (int) number(values, Settings.MAX_LIKE_PATTERN_BYTES, 1, 50000),
            Duration.ofMillis(
                number(values, Settings.QUERY_TIMEOUT_MS, 1, Long.MAX_VALUE / 1_000_000)),
            number(values, Settings.MAX_DATABASE_BYTES, 4096, Long.MAX_VALUE),
            (int) number(values, Settings.MAX_QUEUED_WRITES, 1, Integer.MAX_VALUE),
            SqlCompat.fromSetting(choice(values, Settings.SQL_COMPAT, "d1", "sqlite"))
                .orElseThrow()),
        (int) number(values, Settings.SQL_THREADS, 1, 1024),
        (int) number(values, Settings.MAX_OPEN_DATABASES, 1, Integer.MAX_VALUE),
        Duration.ofDays(number(values, Settings.HISTORY_RETENTION_DAYS, 1, 36500)),
        (int) number(values, Settings.RESTORE_LIMIT, 1, Integer.MAX_VALUE),
        Duration.ofSeconds(number(values, Settings.RESTORE_LIMIT_WINDOW_SECONDS, 1, 31_536_000)),
        number(values, Settings.MAX_IMPORT_BYTES, 1, Long.MAX_VALUE),
        number(values, Settings.MAX_TRANSFER_BYTES, 1, Long.MAX_VALUE),
        Duration.ofSeconds(number(values, Settings.IMPORT_TIMEOUT_SECONDS, 1, 31_536_000)),
        publicUrl(values),
        values.containsKey(Settings.METRICS_PORT.name())
            ? (int) number(values, Settings.METRICS_PORT, 0, 65535)
            : 0,
        bool(values, Settings.METRICS_TENANT_LABELS),
        choice(values, Settings.LOG_FORMAT, "text", "json").equals("json"),
        tls(values),
        number(values, Settings.MAX_SPILL_BYTES_PER_REQUEST, 1, Long.MAX_VALUE),
        number(values, Settings.MAX_SPILL_BYTES, 1, Long.MAX_VALUE),
        (int) number(values, Settings.LISTEN_BACKLOG, 1, 65535),
        number(values, Settings.PAST_STATE_CACHE_BYTES, 0, Long.MAX_VALUE),
        objectStore,
        catalog,
        cluster);
  }

  /**
   * Where the catalog is when it is in PostgreSQL, from the same sources as {@link #load} (for the
   * command-line tools, which take only these two settings).
   */
  public static Optional<PostgresLocation> catalog(
      Map<String, String> flags, Map<String, String> env) {
    return postgres(resolve(flags, env), env);
  }

  /** {@code postgresql://USER@HOST[:PORT]/DATABASE}; the password never in it. */
  private static final Pattern POSTGRES_URL =
      Pattern.compile(
          "postgresql://([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(?::(\\d{1,5}))?"
              + "/([A-Za-z0-9_.-]+)");

  /** The PostgreSQL catalog, when {@code catalog} is set, with its password. */
  private static Optional<PostgresLocation> postgres(
      Map<String, Source> values, Map<String, String> env) {
    Source url = values.get(Settings.CATALOG.name());
    Source passwordFile = values.get(Settings.CATALOG_PASSWORD_FILE.name());
    if (url == null || url.value().isBlank()) {
      if (passwordFile != null) {
        throw invalid(passwordFile, "needs catalog (postgresql://USER@HOST:PORT/DATABASE) too");
      }
      return Optional.empty();
    }
    String text = url.value().strip();
    int at = text.indexOf('@');
    if (at > 0 && text.substring(0, at).indexOf(':', "postgresql://".length()) >= 0) {
      // Never echo it: the value holds a password.
      throw new ConfigException(
          "invalid value from "
              + url.origin()
              + ": the catalog URL must not hold a password; give it in PGPASSWORD or "
              + Settings.CATALOG_PASSWORD_FILE.flag());
    }
    Matcher m = POSTGRES_URL.matcher(text);
    if (!m.matches()) {
      throw invalid(url, "must be postgresql://USER@HOST:PORT/DATABASE");
    }
    int port = m.group(3) == null ? 5432 : Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw invalid(url, "the port must be between 1 and 65535");
    }
    Optional<String> password = Optional.ofNullable(env.get("PGPASSWORD"));
    if (passwordFile != null) {
      Path file = readable(passwordFile);
      try {
        String first =
            Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        password = Optional.of(first.strip());
      } catch (IOException e) {
        throw new ConfigException(
            "cannot read the catalog password file "
                + file
                + ": "
                + dev.opend1.core.IoErrors.describe(e));
      }
    }
    return Optional.of(new PostgresLocation(m.group(2), port, m.group(4), m.group(1), password));
  }

  /**
   * In a cluster a write is answered only once its history is in the bucket, since another node
   * takes the database over from there: sync unless set, and async refused.
   */
  private static ObjectStoreSettings clusterDurability(
      Map<String, Source> values, ObjectStoreSettings o) {
    if (!o.sync()
        && !values
            .get(Settings.OBJECT_STORE_DURABILITY.name())
            .origin()
            .startsWith("the default of")) {
      throw invalid(
          values.get(Settings.OBJECT_STORE_DURABILITY.name()),
          "a cluster node (advertise-url) needs sync: another node takes its databases over from"
              + " the bucket, so a write is answered only once it is there");
    }
    return new ObjectStoreSettings(o.url(), o.endpoint(), o.region(), true, o.lag(), o.maxLag());
  }

  /** The object store, when {@code object-store} is set; its companions are checked too. */
  private static Optional<ObjectStoreSettings> objectStore(Map<String, Source> values) {
    Source url = values.get(Settings.OBJECT_STORE.name());
    Source endpoint = values.get(Settings.OBJECT_STORE_ENDPOINT.name());
    boolean sync = choice(values, Settings.OBJECT_STORE_DURABILITY, "sync", "async").equals("sync");
    Duration lag = Duration.ofMillis(number(values, Settings.OBJECT_STORE_LAG_MS, 10, 3_600_000));
    Duration maxLag =
        Duration.ofMillis(number(values, Settings.OBJECT_STORE_MAX_LAG_MS, 100, 86_400_000));
    if (url == null || url.value().isBlank()) {
      if (endpoint != null) {
        throw invalid(endpoint, "needs object-store (s3://BUCKET/PREFIX) too");
      }
      return Optional.empty();
    }
    if (!url.value().strip().matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\\S*)?")) {
      throw invalid(url, "must be s3://BUCKET or s3://BUCKET/PREFIX");
    }
    if (endpoint != null && !endpoint.value().strip().matches("https?://[^/\\s]+(/\\S*)?")) {
      throw invalid(endpoint, "must be an http:// or https:// URL");
    }
    if (maxLag.compareTo(lag) <= 0) {
      throw invalid(
          values.get(Settings.OBJECT_STORE_MAX_LAG_MS.name()),
          "must be more than object-store-lag-ms");
    }
    return Optional.of(
        new ObjectStoreSettings(
            url.value().strip(),
            Optional.ofNullable(endpoint).map(e -> e.value().strip()),
            text(values, Settings.OBJECT_STORE_REGION).strip(),
            sync,
            lag,
            maxLag));
  }

  private static boolean bool(Map<String, Source> values, Setting s) {
    return choice(values, s, "true", "false").equals("true");
  }

  /** The value of {@code s}, which must be one of {@code allowed} (case-insensitive). */
  private static String choice(Map<String, Source> values, Setting s, String... allowed) {
    Source v = values.get(s.name());
    String value = v.value().strip().toLowerCase(java.util.Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(value)) {
        return a;
      }
    }
    throw invalid(v, "must be one of " + String.join(", ", allowed));
  }

  /** The TLS files: both or neither, each a readable file. */
  private static Optional<TlsFiles> tls(Map<String, Source> values) {
    Source cert = values.get(Settings.TLS_CERT.name());
    Source key = values.get(Settings.TLS_KEY.name());
    if (cert == null && key == null) {
      return Optional.empty();
    }
    if (cert == null || key == null) {
      throw new ConfigException(
          "tls-cert and tls-key go together: set both ("
              + Settings.TLS_CERT.flag()
              + " and "
              + Settings.TLS_KEY.flag()
              + ") to serve HTTPS, or neither");
    }
    return Optional.of(new TlsFiles(readable(cert), readable(key)));
  }

  static Path readable(Source v) {
    Path p = Path.of(v.value().strip());
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw invalid(v, "must be a readable file");
    }
    return p;
  }

  private static Optional<String> publicUrl(Map<String, Source> values) {
    Source v = values.get(Settings.PUBLIC_URL.name());
    if (v == null || v.value().isBlank()) {
      return Optional.empty();
    }
    String url = v.value().strip().replaceAll("/+$", "");
    if (!url.matches("https?://[^/\\s]+(/\\S*)?")) {
      throw invalid(v, "must be an http:// or https:// URL");
    }
    return Optional.of(url);
  }

  /** A value and where it came from, so an error can say which source to fix. */
  record Source(String value, String origin) {}

  private static Map<String, Source> resolve(Map<String, String> flags, Map<String, String> env) {
    Map<String, Source> values = new HashMap<>();
    for (Setting s : Settings.ALL) {
      if (s.defaultValue() != null) {
        values.put(s.name(), new Source(s.defaultValue(), "the default of " + s.flag()));
      }
    }
    String configFile =
        flags.getOrDefault(Settings.CONFIG.name(), env.get(Settings.CONFIG.envVar()));
    if (configFile != null) {
      values.putAll(readFile(Path.of(configFile)));
    }
    for (Setting s : Settings.ALL) {
      String v = env.get(s.envVar());
      if (v != null) {
        values.put(s.name(), new Source(v, "environment variable " + s.envVar()));
      }
    }
    flags.forEach((name, v) -> values.put(name, new Source(v, "flag --" + name)));
    return values;
  }

  /**
   * Refuses an {@code OPEND1_*} variable that is no setting (and none of {@link
   * Settings#OTHER_VARIABLES}): a misspelt name would otherwise be ignored without a word.
   */
  private static void checkEnvironment(Map<String, String> env) {
    List<String> known = new ArrayList<>(Settings.OTHER_VARIABLES);
    Settings.ALL.forEach(s -> known.add(s.envVar()));
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith("OPEND1_") && !known.contains(name)) {
        throw new ConfigException(
            "environment variable " + name + " is not an opend1 setting" + suggestion(name, known));
      }
    }
  }

  /** "; did you mean X?" for the known name closest to {@code name}, or a pointer to the list. */
  private static String suggestion(String name, List<String> known) {
    return Names.closest(name, known)
        .map(k -> "; did you mean " + k + "?")
        .orElse("; `opend1 serve --help` lists them all");
  }

  /** One line of a config file: {@code name = value}. */
  private static final Pattern LINE = Pattern.compile("([^=\\s]+)\\s*=\\s*(.*)");

  /**
   * Reads a config file: one {@code name = value} per line; blank lines and lines starting with
   * {@code #} are skipped; a value may be wrapped in one pair of quotes. Anything else, an unknown
   * name or a name given twice is refused with its line number.
   */
  private static Map<String, Source> readFile(Path file) {
    List<String> lines;
    try {
      if (Files.isDirectory(file)) {
        throw new ConfigException("cannot read config file " + file + ": it is a directory");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read config file " + file + ": " + dev.opend1.core.IoErrors.describe(e));
    }
    Map<String, Source> values = new HashMap<>();
    Map<String, Integer> setOn = new HashMap<>();
    List<String> names =
        Settings.ALL.stream().filter(x -> x != Settings.CONFIG).map(Setting::name).toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      String where = "config file " + file + " line " + (i + 1);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new ConfigException(where + ": '" + line + "' is not a `name = value` line");
      }
      String key = m.group(1);
      if (!names.contains(key)) {
        throw new ConfigException(
            where + ": unknown setting '" + key + "'" + suggestion(key, names));
      }
      Integer earlier = setOn.put(key, i + 1);
      if (earlier != null) {
        throw new ConfigException(where + ": " + key + " is already set on line " + earlier);
      }
      values.put(key, new Source(unquote(m.group(2).strip()), where));
    }
    return values;
  }

  private static String unquote(String v) {
    if (v.length() >= 2
        && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static String text(Map<String, Source> values, Setting s) {
    Source v = values.get(s.name());
    return v == null ? null : v.value();
  }

  /**
   * A whole number within bounds. Sizes ({@code BYTES}) and durations ({@code MS}, {@code SECONDS},
   * {@code DAYS}) also take units ({@link Units}); the result is in the setting's own unit.
   */
  private static long number(Map<String, Source> values, Setting s, long min, long max) {
    Source v = values.get(s.name());
    String unit;
    Optional<BigDecimal> n;
    switch (s.label()) {
      case "BYTES" -> {
        unit = "bytes";
        n = Units.bytes(v.value());
      }
      case "MS" -> {
        unit = "milliseconds";
        n = Units.duration(v.value(), 1);
      }
      case "SECONDS" -> {
        unit = "seconds";
        n = Units.duration(v.value(), 1000);
      }
      case "DAYS" -> {
        unit = "days";
        n = Units.duration(v.value(), 86_400_000);
      }
      default -> {
        try {
          n = Optional.of(new BigDecimal(Long.parseLong(v.value().trim().replace("_", ""))));
        } catch (NumberFormatException e) {
          throw invalid(v, "must be a whole number");
        }
        unit = null;
      }
    }
    if (n.isEmpty()) {
      throw invalid(
          v,
          unit.equals("bytes")
              ? "must be a whole number of bytes or a size such as 10MB or 1GiB"
              : "must be a whole number of "
                  + unit
                  + " or a duration such as 500ms, 30s, 5m, 1h or 7d");
    }
    BigDecimal value = n.get().stripTrailingZeros();
    if (value.scale() > 0) {
      throw invalid(v, "must be a whole number of " + unit);
    }
    if (value.compareTo(BigDecimal.valueOf(min)) < 0
        || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw invalid(v, "must be between " + min + " and " + max + (unit == null ? "" : " " + unit));
    }
    return value.longValueExact();
  }

  static ConfigException invalid(Source v, String rule) {
    return new ConfigException(
        "invalid value '" + v.value() + "' from " + v.origin() + ": " + rule);
  }
}
