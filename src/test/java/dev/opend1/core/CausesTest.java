package dev.opend1.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CausesTest {

  @Test
  void findsACauseThroughCausesAndSuppressedNearestFirst() {
    IOException deep = new IOException("deep");
    IllegalStateException suppressed = new IllegalStateException("suppressed", deep);
    RuntimeException top = new RuntimeException("top", new IOException("near"));
    top.addSuppressed(suppressed);
    assertThat(Causes.find(top, x -> x instanceof IOException))
        .get()
        .extracting(Throwable::getMessage)
        .isEqualTo("near");
    assertThat(Causes.find(top, x -> "deep".equals(x.getMessage()))).containsSame(deep);
    assertThat(Causes.find(top, x -> x instanceof Error)).isEmpty();
  }

  @Test
  void aCycleOfCausesEndsTheWalk() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.addSuppressed(b);
    assertThat(Causes.find(a, x -> x instanceof Error)).isEmpty();
  }

  @Test
  void theErrorsUseIt() {
    RuntimeException full = new RuntimeException(new IOException("write: No space left on device"));
    assertThat(D1Exception.DiskFull.causedBy(full)).isTrue();
    assertThat(D1Exception.DiskFull.causedBy(new RuntimeException("[SQLITE_FULL] x"))).isTrue();
    assertThat(D1Exception.DiskFull.causedBy(new RuntimeException("other"))).isFalse();
    D1Exception.BackupUnavailable down = new D1Exception.BackupUnavailable("the store is down");
    assertThat(D1Exception.BackupUnavailable.in(new RuntimeException(down))).containsSame(down);
  }
}
