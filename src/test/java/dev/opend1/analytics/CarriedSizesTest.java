package dev.opend1.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How sizes are carried over minutes without one, at each granularity, and within a filter. */
class CarriedSizesTest {

  private static final String ACCOUNT = "a1";

  /**
   * The largest size per group of {@code by} over minutes {@code [from, to]} (now is {@code to}),
   * the database's size being {@code before} before the range and {@code sizes} at the minutes
   * given (minute, size, minute, size...).
   */
  private static List<Object> groups(
      List<Dimension> by, Filter filter, long from, long to, long before, long... sizes) {
    Groups groups = new Groups(Dataset.STORAGE, by, filter);
    Scope scope = new Scope(ACCOUNT, from, to, Optional.empty());
    Map<String, LastSizes.SizeAt> last =
        before < 0 ? Map.of() : Map.of("d1", new LastSizes.SizeAt(from - 1, before));
    CarriedSizes carried = new CarriedSizes(groups, by, filter, scope, to, last);
    for (int i = 0; i < sizes.length; i += 2) {
      DatabaseTally t = new DatabaseTally();
      t.sizeBytes = sizes[i + 1];
      carried.database(new DatabaseMinute(ACCOUNT, "d1", sizes[i]), t);
    }
    carried.fill();
    List<Map<String, Object>> rows = groups.rows();
    rows.sort(Ordering.of(by.isEmpty() ? null : List.of(by.get(0).field + "_ASC"), by));
    return rows.stream()
        .<Object>map(r -> ((Map<?, ?>) r.get("max")).get("databaseSizeBytes"))
        .toList();
  }

  private static Filter none() {
    return Filter.parse(null, Set.of());
  }

  @Test
  void eachHourStartsWithTheSizeCarriedIntoIt() {
    // Hours 1, 2, 3 (minutes 60-179, to 200): 100 before, shrinking to 50 at 2:10.
    assertThat(groups(List.of(Dimension.DATETIME_HOUR), none(), 60, 200, 100, 130, 50))
        .containsExactly(100L, 100L, 50L);
  }

  @Test
  void anHourThatStartsWithItsOwnSizeTakesNoCarriedOne() {
    assertThat(groups(List.of(Dimension.DATETIME_HOUR), none(), 60, 179, 100, 60, 40, 120, 30))
        .containsExactly(40L, 30L);
  }

  @Test
  void withoutTimeDimensionsTheRangeIsOneGroup() {
    assertThat(groups(List.of(), none(), 60, 200, 100, 61, 10)).containsExactly(100L);
    assertThat(groups(List.of(), none(), 60, 200, 100, 60, 10)).containsExactly(10L);
  }

  @Test
  void nothingIsCarriedBeforeADatabasesFirstSize() {
    assertThat(groups(List.of(Dimension.DATETIME_MINUTE), none(), 0, 9, -1, 7, 5))
        .containsExactly(5L, 5L, 5L);
  }

  @Test
  void aCarriedSizeKeepsToTheFilter() {
    // Only minutes 3 and 8 pass: the first passing minute of the range gets the carried size.
    Filter odd =
        Filter.parse(
            Map.of(
                "OR",
                List.of(
                    Map.of("datetimeMinute", java.time.Instant.ofEpochSecond(3 * 60)),
                    Map.of("datetimeMinute", java.time.Instant.ofEpochSecond(8 * 60)))),
            Set.of("OR", "datetimeMinute"));
    assertThat(groups(List.of(Dimension.DATETIME_MINUTE), odd, 0, 9, 100, 5, 70))
        .containsExactly(100L, 70L);
  }
}
