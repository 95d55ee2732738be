package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * REALs spelled as JavaScript's {@code JSON.stringify} spells them, which is what D1 answers
 * (ECMA-262 Number::toString, https://tc39.es/ecma262/#sec-numeric-types-number-tostring; D1's
 * results are JavaScript values, https://developers.cloudflare.com/d1/worker-api/#type-conversion).
 * The expected texts are what {@code String(x)} gives in Node.
 */
class JsNumbersTest {

  @ParameterizedTest
  @CsvSource({
    "2.0, 2",
    "-2.0, -2",
    "100.0, 100",
    "0.0, 0",
    "-0.0, 0",
    "0.1, 0.1",
    "123.456, 123.456",
    "-1.5, -1.5",
    "0.30000000000000004, 0.30000000000000004",
    "1e20, 100000000000000000000",
    "1.2345678901234568E20, 123456789012345680000",
    "1e21, 1e+21",
    "1.5e21, 1.5e+21",
    "0.000001, 0.000001",
    "0.0000015, 0.0000015",
    "1e-7, 1e-7",
    "1.5e-7, 1.5e-7",
    "9007199254740993.0, 9007199254740992",
    "4.9e-324, 5e-324",
    "9.9e-324, 1e-323",
    "1e23, 1e+23",
    "1.7976931348623157E308, 1.7976931348623157e+308",
  })
  void aRealIsWrittenAsJavaScriptWritesIt(double value, String js) {
    assertThat(JsNumbers.toJs(value)).isEqualTo(js);
  }
}
