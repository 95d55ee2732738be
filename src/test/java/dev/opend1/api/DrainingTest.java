package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Draining}'s count of running requests against its drain: once a drain says nothing runs,
 * nothing is let in any more, however the requests arriving at that moment interleave with it.
 */
class DrainingTest {

  @Test
  void aDrainNeverEndsWithARequestOnItsWayIn() throws Exception {
    AtomicInteger late = new AtomicInteger();
    for (int round = 0; round < 500; round++) {
      Draining draining = new Draining();
      AtomicBoolean draining1 = new AtomicBoolean();
      AtomicBoolean drained = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> requests = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        requests.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (!stop.get()) {
                        if (!draining.admit()) {
                          continue;
                        }
                        // Admitted while a drain runs: it must not end while this one runs.
                        if (draining1.get()) {
                          long until = System.nanoTime() + 1_000_000;
                          while (!drained.get() && System.nanoTime() < until) {
                            Thread.onSpinWait();
                          }
                          if (drained.get()) {
                            late.incrementAndGet();
                          }
                        }
                        draining.release();
                      }
                    }));
      }
      Thread.sleep(0, 200_000);
      draining1.set(true);
      assertThat(draining.drain(Duration.ofSeconds(10))).isTrue();
      drained.set(true);
      stop.set(true);
      for (Thread t : requests) {
        t.join();
      }
    }
    assertThat(late.get()).as("requests let in after a drain said none ran").isZero();
  }
}
