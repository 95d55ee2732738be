package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code timestamp} forms time travel accepts: what D1 takes, i.e. Unix seconds and what
 * JavaScript's {@code Date.parse} reads (ECMA-262 "Date Time String Format",
 * https://tc39.es/ecma262/#sec-date-time-string-format; wrangler's {@code
 * packages/wrangler/src/d1/timeTravel/utils.ts} passes the user's text through {@code new Date()}).
 */
class TimestampFormsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2026-01-15                    | 2026-01-15T00:00:00Z",
        "2026-01                       | 2026-01-01T00:00:00Z",
        "2026                          | 2026-01-01T00:00:00Z",
        "2026-01-15T12:30              | 2026-01-15T12:30:00Z",
        "2026-01-15T12:30Z             | 2026-01-15T12:30:00Z",
        "2026-01-15T12:30:05           | 2026-01-15T12:30:05Z",
        "2026-01-15T12:30:05.5Z        | 2026-01-15T12:30:05.500Z",
        "2026-01-15T12:30:05.123Z      | 2026-01-15T12:30:05.123Z",
        "2026-01-15T12:30:05.123456Z   | 2026-01-15T12:30:05.123456Z",
        "2026-01-15T12:30:05+02:00     | 2026-01-15T10:30:05Z",
        "2026-01-15T12:30:05-05:30     | 2026-01-15T18:00:05Z",
        "2026-01-15 12:30:05Z          | 2026-01-15T12:30:05Z",
        "+002026-01-15T00:00:00Z       | 2026-01-15T00:00:00Z",
        "'Thu, 15 Jan 2026 12:30:05 GMT' | 2026-01-15T12:30:05Z",
        "1768478400                    | 2026-01-15T12:00:00Z",
        "1768478400.25                 | 2026-01-15T12:00:00.250Z",
      })
  void d1sTimestampFormsAreRead(String text, String expected) {
    assertThat(TimeTravel.parseTimestamp(text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"yesterday", "2026-13-01", "2026-01-32", "2026-01-15T25:00Z", "2026-01-15Z", ""})
  void otherTextIsRefusedSayingWhatWorks(String text) {
    assertThatThrownBy(() -> TimeTravel.parseTimestamp(text))
        .isInstanceOf(D1Exception.InvalidRequest.class)
        .hasMessageContaining("JavaScript date-time");
  }
}
