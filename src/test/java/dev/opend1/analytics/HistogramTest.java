package dev.opend1.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import org.junit.jupiter.api.Test;

class HistogramTest {

  @Test
  void quantilesAreWithinTheBucketWidth() {
    Histogram h = new Histogram();
    for (int i = 1; i <= 1000; i++) {
      h.add(i / 10.0);
    }
    assertThat(h.total()).isEqualTo(1000);
    assertThat(h.quantile(0.5)).isCloseTo(50.0, withPercentage(5));
    assertThat(h.quantile(0.9)).isCloseTo(90.0, withPercentage(5));
    assertThat(h.quantile(0.99)).isCloseTo(99.0, withPercentage(5));
  }

  @Test
  void mergingIsLikeCountingTogether() {
    Histogram a = new Histogram();
    Histogram b = new Histogram();
    Histogram both = new Histogram();
    for (int i = 0; i < 500; i++) {
      a.add(0.01 * (i + 1));
      both.add(0.01 * (i + 1));
      b.add(1000.0 + i);
      both.add(1000.0 + i);
    }
    a.add(b);
    assertThat(a.toBytes()).isEqualTo(both.toBytes());
    assertThat(a.quantile(0.25)).isCloseTo(both.quantile(0.25), within(1e-9));
    assertThat(a.quantile(0.75)).isCloseTo(1250.0, withPercentage(5));
  }

  @Test
  void theStoredFormReadsBack() {
    Histogram h = new Histogram();
    h.add(0);
    h.add(0.5);
    h.add(3.2);
    h.add(7_000_000);
    Histogram back = Histogram.fromBytes(h.toBytes());
    assertThat(back.total()).isEqualTo(4);
    assertThat(back.toBytes()).isEqualTo(h.toBytes());
    assertThat(Histogram.fromBytes(null).total()).isZero();
  }

  @Test
  void emptyHasZeroQuantiles() {
    assertThat(new Histogram().quantile(0.9)).isZero();
  }
}
