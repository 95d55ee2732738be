package dev.opend1.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

  @Test
  void accountIdsAre32LowercaseHex() {
    String hex = "0123456789abcdef0123456789abcdef";
    assertThat(new AccountId(hex).toString()).isEqualTo(hex);
    assertThat(AccountId.parse(hex)).contains(new AccountId(hex));
    assertThat(AccountId.parse(hex.toUpperCase())).isEmpty();
    assertThat(AccountId.parse(hex + "0")).isEmpty();
    assertThatThrownBy(() -> new AccountId("xyz")).isInstanceOf(IllegalArgumentException.class);
    SecureRandom r = new SecureRandom();
    assertThat(AccountId.random(r)).isNotEqualTo(AccountId.random(r));
  }

  @Test
  void databaseIdsRoundTripToLowercase() {
    String upper = "5D6B0A2E-2F3C-4D5E-8F9A-0B1C2D3E4F50";
    assertThat(DatabaseId.looksLikeId(upper)).isTrue();
    assertThat(DatabaseId.looksLikeId("my-db")).isFalse();
    assertThat(DatabaseId.looksLikeId(null)).isFalse();
    String lower = upper.toLowerCase();
    assertThat(DatabaseId.looksLikeId(lower)).isTrue();
    assertThat(DatabaseId.looksLikeId(lower.substring(1))).as("35 characters").isFalse();
    assertThat(DatabaseId.looksLikeId(lower + "0")).as("37 characters").isFalse();
    assertThat(DatabaseId.looksLikeId(lower.replace('-', '0'))).as("no dashes").isFalse();
    // A dash moved by one place, a letter past f, a non-ASCII digit (U+0661, Arabic-Indic one).
    assertThat(DatabaseId.looksLikeId("5d6b0a2-e2f3c-4d5e-8f9a-0b1c2d3e4f50")).isFalse();
    assertThat(DatabaseId.looksLikeId("5d6b0a2g-2f3c-4d5e-8f9a-0b1c2d3e4f50")).isFalse();
    assertThat(DatabaseId.looksLikeId("5d6b0a2\u0661-2f3c-4d5e-8f9a-0b1c2d3e4f50")).isFalse();
    assertThat(DatabaseId.parse(upper).orElseThrow().toString()).isEqualTo(upper.toLowerCase());
    DatabaseId id = DatabaseId.random();
    assertThat(DatabaseId.parse(id.toString())).contains(id);
  }

  @Test
  void regionsParseFromHintsAndNames() {
    assertThat(Region.fromHint("weur")).contains(Region.WEUR);
    assertThat(Region.fromHint("WEUR")).isEmpty();
    assertThat(Region.fromName("apac")).contains(Region.APAC);
    assertThat(Region.fromName("mars")).isEmpty();
  }
}
