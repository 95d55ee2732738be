package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The owner's local deadline, on a clock the test moves. */
class LeaseClockTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LeaseClock clock = new LeaseClock(Duration.ofSeconds(2), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void nothingMayBeWrittenBeforeAGrant() {
    assertThat(clock.mayWrite()).isFalse();
    assertThat(clock.remaining()).isZero();
  }

  @Test
  void theDeadlineCountsFromTheSendNotFromTheAnswer() {
    long sent = clock.beforeSend();
    advance(Duration.ofSeconds(3)); // the answer took three seconds to come back
    clock.granted(sent, Duration.ofSeconds(10));
    // 10 s ttl - 2 s margin from the send, of which 3 s have passed.
    assertThat(clock.remaining()).isEqualTo(Duration.ofSeconds(5));
    advance(Duration.ofMillis(4_999));
    assertThat(clock.mayWrite()).isTrue();
    advance(Duration.ofMillis(1));
    assertThat(clock.mayWrite()).isFalse();
  }

  @Test
  void aLateAnswerToAnOlderRenewDoesNotShortenTheDeadline() {
    long older = clock.beforeSend();
    advance(Duration.ofSeconds(1));
    long newer = clock.beforeSend();
    clock.granted(newer, Duration.ofSeconds(10));
    clock.granted(older, Duration.ofSeconds(10));
    assertThat(clock.remaining()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void aRefusedRenewStopsWritesAtOnce() {
    clock.granted(clock.beforeSend(), Duration.ofSeconds(10));
    clock.lost();
    assertThat(clock.mayWrite()).isFalse();
    // A later grant (a new acquire) starts a new deadline.
    clock.granted(clock.beforeSend(), Duration.ofSeconds(5));
    assertThat(clock.remaining()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aTtlNoLongerThanTheMarginIsRefused() {
    assertThatThrownBy(() -> clock.granted(clock.beforeSend(), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be longer than the safety margin");
  }

  @Test
  void theDeadlineSurvivesTheNanoClockWrappingPastZero() {
    now.set(Long.MAX_VALUE - Duration.ofSeconds(1).toNanos());
    clock.granted(clock.beforeSend(), Duration.ofSeconds(10));
    advance(Duration.ofSeconds(7));
    assertThat(clock.remaining()).isEqualTo(Duration.ofSeconds(1));
  }
}
