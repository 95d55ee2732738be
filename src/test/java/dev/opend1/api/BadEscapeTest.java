package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scan for a malformed %-escape in a request's path finds what the regex it replaced found. */
class BadEscapeTest {

  /** The rule as a regex: a '%' not followed by two ASCII hex digits. */
  private static final Pattern RULE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  @Test
  void theScanAgreesWithTheRule() {
    String[] paths = {
      "/client/v4/accounts/a/d1/database/db/query",
      "/a%20b",
      "/a%2",
      "/a%",
      "%",
      "%%41",
      "/a%4G",
      "/a%g4",
      "/a%41%",
      "/a%41%4",
      "/a%41%zz",
      "/a%AF%af",
      "/a%\u0661\u0662", // Arabic-Indic digits are digits, not hex
      "/a%\uff21\uff21", // fullwidth A
      ""
    };
    for (String p : paths) {
      assertThat(ApiServer.hasBadEscape(p)).as(p).isEqualTo(RULE.matcher(p).find());
    }
  }
}
