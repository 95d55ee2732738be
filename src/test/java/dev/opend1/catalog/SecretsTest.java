package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SecretsTest {

  /** FIPS 180-2's example: SHA-256 of "abc". */
  static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void hashIsSha256() {
    assertThat(HexFormat.of().formatHex(Secrets.hash("abc"))).isEqualTo(ABC);
    assertThat(HexFormat.of().formatHex(Secrets.hash("abc"))).isEqualTo(ABC);
  }

  @Test
  void sameTextIsEqualityOfWholeTexts() {
    assertThat(Secrets.sameText("secret", "secret")).isTrue();
    assertThat(Secrets.sameText("", "")).isTrue();
    assertThat(Secrets.sameText("secret", "secreT")).isFalse();
    assertThat(Secrets.sameText("secret", "Secret")).isFalse();
    assertThat(Secrets.sameText("secret", "secret2")).isFalse();
    assertThat(Secrets.sameText("secret", "")).isFalse();
    assertThat(Secrets.sameText("\u00e9t\u00e9", "\u00e9t\u00e8")).isFalse();
  }

  @Test
  void threadsHashingAtOnceEachGetTheirOwnHash() {
    List<CompletableFuture<Boolean>> runs =
        IntStream.range(0, 8)
            .mapToObj(
                t ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          for (int i = 0; i < 2_000; i++) {
                            String s = i % 2 == 0 ? "abc" : "other-" + t + "-" + i;
                            String hex = HexFormat.of().formatHex(Secrets.hash(s));
                            if (hex.equals(ABC) != s.equals("abc")) {
                              return false;
                            }
                          }
                          return true;
                        }))
            .toList();
    runs.forEach(r -> assertThat(r.join()).isTrue());
  }
}
