package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.engine.ReadShape.Bound;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules {@link ReadShape} estimates {@code rows_read} by, on shapes written out by hand; what
 * SQLite's programs make of real statements, against D1's figures, is {@code RowsReadTest}.
 */
class ReadShapeTest {

  /** Every table here has 100 rows. */
  private static long estimate(ReadShape s, long returned, long changes, List<Object> params) {
    return s.rowsRead(returned, changes, params, root -> 100);
  }

  private static ReadShape scan(boolean sorts, boolean everyRow, Bound limit, Bound offset) {
    return new ReadShape(true, Set.of(), List.of(2L), false, sorts, everyRow, limit, offset);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // case, returned, sorts, sorts every row, limit, offset, expected
    "full scan, 100, false, false, -1, -1, 100",
    "filtered scan, 3, false, false, -1, -1, 100",
    "scan stopped by its LIMIT, 5, false, false, 5, -1, 5",
    "scan past an OFFSET, 5, false, false, 5, 10, 15",
    "LIMIT not reached: the scan ran to its end, 2, false, false, 5, -1, 100",
    "unknown LIMIT taken as reached, 5, false, false, -2, -1, 5",
    "unknown OFFSET: the whole scan, 5, false, false, 5, -2, 100",
    "ORDER BY reads the returned rows again, 30, true, false, -1, -1, 130",
    "GROUP BY reads every scanned row again, 7, true, true, -1, -1, 200",
    "ORDER BY with LIMIT sorts every row, 5, true, true, 5, -1, 200",
  })
  void aScanReadsItsTable(
      String name,
      long returned,
      boolean sorts,
      boolean everyRow,
      long limit,
      long offset,
      long e) {
    Bound l = limit == -1 ? Bound.NONE : limit == -2 ? Bound.UNKNOWN : new Bound(limit, 0);
    Bound o = offset == -1 ? Bound.NONE : offset == -2 ? Bound.UNKNOWN : new Bound(offset, 0);
    assertThat(estimate(scan(sorts, everyRow, l, o), returned, 0, List.of())).isEqualTo(e);
  }

  @Test
  void countsLookupsAndUnlistedStatements() {
    ReadShape count =
        new ReadShape(true, Set.of(2L), List.of(), false, false, false, Bound.NONE, Bound.NONE);
    assertThat(estimate(count, 1, 0, List.of())).as("count(*)").isEqualTo(100);
    ReadShape lookup =
        new ReadShape(true, Set.of(), List.of(), true, false, false, Bound.NONE, Bound.NONE);
    assertThat(estimate(lookup, 1, 0, List.of())).as("point lookup").isEqualTo(1);
    assertThat(estimate(lookup, 0, 4, List.of())).as("UPDATE by key").isEqualTo(4);
    ReadShape none =
        new ReadShape(true, Set.of(), List.of(), false, false, false, Bound.NONE, Bound.NONE);
    assertThat(estimate(none, 1, 0, List.of())).as("SELECT 1").isZero();
    assertThat(estimate(ReadShape.UNLISTED, 4, 0, List.of())).as("PRAGMA").isZero();
  }

  @Test
  void aLimitMayBeAParameter() {
    Bound second = new Bound(-1, 2);
    assertThat(second.value(List.of(1L, 7L))).isEqualTo(7);
    assertThat(second.value(List.of(1L, 7.0))).isEqualTo(7);
    assertThat(second.value(List.of(1L, " 7 "))).isEqualTo(7);
    assertThat(second.value(List.of(1L, BigInteger.valueOf(7)))).isEqualTo(7);
    assertThat(second.value(List.of(1L, 7.5))).isNegative();
    assertThat(second.value(List.of(1L, "seven"))).isNegative();
    assertThat(second.value(Arrays.asList(1L, null))).isNegative();
    assertThat(second.value(List.of(1L))).isNegative();
  }
}
