package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A statement's duration in {@code meta}: nanoseconds over a million, digits placed by hand. */
class MetaFieldsTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0.0",
    "1, 0.000001",
    "1000, 0.001",
    "12300, 0.0123",
    "250000, 0.25",
    "1000000, 1.0",
    "2500000, 2.5",
    "1234567891, 1234.567891",
    "86399999999999, 86399999.999999"
  })
  void millisecondsAreTheNanosecondsDigits(long nanos, String expected) {
    assertThat(MetaFields.millis(nanos / 1_000_000.0)).isEqualTo(expected);
  }

  @Test
  void theSameNumberJavaWritesForAnyNanosecondCount() {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 200_000; i++) {
      long nanos = i < 100_000 ? i * 7L : random.nextLong(0, 86_400_000_000_000L);
      double ms = nanos / 1_000_000.0;
      String text = MetaFields.millis(ms);
      assertThat(new BigDecimal(text)).isEqualByComparingTo(new BigDecimal(Double.toString(ms)));
      assertThat(Double.parseDouble(text)).isEqualTo(ms);
    }
  }

  @Test
  void whatIsNoSuchCountHasNoText() {
    assertThat(MetaFields.millis(-1.5)).isNull();
    assertThat(MetaFields.millis(Double.NaN)).isNull();
    assertThat(MetaFields.millis(Double.POSITIVE_INFINITY)).isNull();
    assertThat(MetaFields.millis(1e12)).isNull();
  }
}
