package dev.opend1.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes and durations as people write them: {@code 10MB}, {@code 1GiB}, {@code 30s}, {@code 7d}. A
 * plain number is in the setting's own unit (bytes, or the unit its name ends in). Decimal units
 * are powers of 1000 ({@code kB}, {@code MB}, {@code GB}, {@code TB}), binary ones of 1024 ({@code
 * KiB} ... {@code TiB}); letter case does not matter. The result must be a whole number of the
 * setting's unit: {@code 1500ms} is not a whole number of seconds.
 */
final class Units {

  private Units() {}

  private static final Pattern AMOUNT =
      Pattern.compile("(-?[0-9][0-9_]*(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)");

  private static final Map<String, Long> BYTES =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("kb", 1000L),
          Map.entry("mb", 1000L * 1000),
          Map.entry("gb", 1000L * 1000 * 1000),
          Map.entry("tb", 1000L * 1000 * 1000 * 1000),
          Map.entry("kib", 1L << 10),
          Map.entry("mib", 1L << 20),
          Map.entry("gib", 1L << 30),
          Map.entry("tib", 1L << 40));

  /** Milliseconds in each duration unit. */
  private static final Map<String, Long> MILLIS =
      Map.of(
          "ms", 1L,
          "s", 1000L,
          "m", 60_000L,
          "min", 60_000L,
          "h", 3_600_000L,
          "d", 86_400_000L);

  /** A size in bytes, or empty when the text is not one. */
  static Optional<BigDecimal> bytes(String text) {
    return amount(text, BYTES, 1);
  }

  /**
   * A duration in {@code unitMillis} (1 for milliseconds, 1000 for seconds...), or empty when the
   * text is not one; a plain number is already in that unit.
   */
  static Optional<BigDecimal> duration(String text, long unitMillis) {
    return amount(text, MILLIS, unitMillis);
  }

  private static Optional<BigDecimal> amount(String text, Map<String, Long> units, long unit) {
    Matcher m = AMOUNT.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    BigDecimal number = new BigDecimal(m.group(1).replace("_", ""));
    String suffix = m.group(2).toLowerCase(Locale.ROOT);
    if (suffix.isEmpty()) {
      return Optional.of(number);
    }
    Long factor = units.get(suffix);
    if (factor == null) {
      return Optional.empty();
    }
    return Optional.of(
        number
            .multiply(BigDecimal.valueOf(factor))
            .divide(BigDecimal.valueOf(unit), java.math.MathContext.DECIMAL64));
  }
}
