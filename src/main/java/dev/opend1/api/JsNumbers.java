package dev.opend1.api;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A REAL written as D1 writes it: D1's values pass through JavaScript, whose {@code JSON.stringify}
 * writes a double with ECMA-262's Number::toString (the shortest digits that read back to the same
 * double, {@code 2} for 2.0, {@code 1e+21}, {@code 1.5e-7}). Java's {@link Double#toString} picks
 * the same shortest digits (JDK 19 and later) but spells them differently ({@code 2.0}, {@code
 * 1.0E21}). Integers are not doubles here and stay exact.
 */
final class JsNumbers {

  private JsNumbers() {}

  /**
   * ECMA-262 Number::toString(x) for a finite double
   * (https://tc39.es/ecma262/#sec-numeric-types-number-tostring).
   */
  static String toJs(double x) {
    if (x == 0) {
      return "0";
    }
    if (x < 0) {
      return "-" + toJs(-x);
    }
    BigDecimal shortest = shortest(x);
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    // x = digits × 10^(n−k)
    int n = k - shortest.scale();
    if (k <= n && n <= 21) {
      return digits + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return digits.substring(0, n) + "." + digits.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + digits;
    }
    String exponent = (n - 1 < 0 ? "-" : "+") + Math.abs(n - 1);
    String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return mantissa + "e" + exponent;
  }

  /**
   * The fewest significant digits that read back as {@code x}, the closest such when there are
   * several. {@link Double#toString} always has one digit after the point, so where one digit in
   * all would do it may give two (4.9E-324 where JavaScript writes 5e-324): try one digit first.
   */
  private static BigDecimal shortest(double x) {
    BigDecimal java = new BigDecimal(Double.toString(x)).stripTrailingZeros();
    if (java.precision() != 2) {
      return java;
    }
    BigDecimal exact = new BigDecimal(x);
    BigDecimal best = null;
    for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
      BigDecimal one = java.round(new MathContext(1, mode));
      if (one.doubleValue() == x
          && (best == null
              || one.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
        best = one;
      }
    }
    return best == null ? java : best.stripTrailingZeros();
  }
}
