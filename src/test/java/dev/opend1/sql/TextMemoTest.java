package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TextMemoTest {

  final AtomicInteger worked = new AtomicInteger();

  String work(String sql) {
    worked.incrementAndGet();
    return sql.toUpperCase();
  }

  @Test
  void aTextSentAgainIsWorkedOutOnce() {
    TextMemo<String> memo = new TextMemo<>(10, 100);
    assertThat(memo.get("select 1", this::work)).isEqualTo("SELECT 1");
    assertThat(memo.get("select 1", this::work)).isEqualTo("SELECT 1");
    assertThat(memo.get("select 2", this::work)).isEqualTo("SELECT 2");
    assertThat(worked).hasValue(2);
  }

  @Test
  void aLongTextIsWorkedOutEveryTimeAndNotKept() {
    TextMemo<String> memo = new TextMemo<>(10, 8);
    memo.get("select 12", this::work);
    memo.get("select 12", this::work);
    assertThat(worked).hasValue(2);
    assertThat(memo.size()).isZero();
  }

  @Test
  void aFullMemoStartsOver() {
    TextMemo<String> memo = new TextMemo<>(3, 100);
    for (int i = 0; i < 3; i++) {
      memo.get("select " + i, this::work);
    }
    assertThat(memo.size()).isEqualTo(3);
    memo.get("select 3", this::work);
    assertThat(memo.size()).isEqualTo(1);
    memo.get("select 0", this::work);
    assertThat(worked).hasValue(5);
  }

  @Test
  void aFailureIsThrownAndNotKept() {
    TextMemo<String> memo = new TextMemo<>(10, 100);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () ->
                  memo.get(
                      "vacuum",
                      sql -> {
                        worked.incrementAndGet();
                        throw new IllegalArgumentException("refused");
                      }))
          .hasMessage("refused");
    }
    assertThat(worked).hasValue(2);
    assertThat(memo.size()).isZero();
  }
}
