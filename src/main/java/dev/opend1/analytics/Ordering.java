package dev.opend1.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A dataset's {@code orderBy}: a list of {@code <field>_ASC} or {@code <field>_DESC}, where the
 * field is {@code count}, a dimension, or a metric as {@code <block>_<name>} ({@code
 * sum_queryDurationMs}, {@code avg_rowsRead}, {@code quantiles_queryBatchTimeMsP90}). Groups that
 * tie on every field (and every group, without an orderBy) keep the order of their dimensions.
 */
final class Ordering {

  private Ordering() {}

  /**
   * The comparator of group rows ({@link Groups#rows}) for {@code orderBy}, which may order by a
   * dimension only if it is selected.
   */
  static Comparator<Map<String, Object>> of(List<String> orderBy, List<Dimension> selected) {
    List<Comparator<Map<String, Object>>> parts = new ArrayList<>();
    for (String term : orderBy == null ? List.<String>of() : orderBy) {
      boolean desc = term.endsWith("_DESC");
      String field = term.substring(0, term.lastIndexOf('_'));
      Dimension.named(field)
          .filter(d -> !selected.contains(d))
          .ifPresent(
              d -> {
                throw new QueryError("orderBy " + field + ": select that dimension to order by it");
              });
      Comparator<Map<String, Object>> c =
          Comparator.comparing((Map<String, Object> r) -> value(r, field), NATURAL);
      parts.add(desc ? c.reversed() : c);
    }
    for (Dimension d : selected) {
      parts.add(
          Comparator.comparing(
              (Map<String, Object> r) -> (Comparable<?>) dimensions(r).get(d.field), NATURAL));
    }
    return parts.stream().reduce(Comparator::thenComparing).orElse((a, b) -> 0);
  }

  private static Comparable<?> value(Map<String, Object> row, String field) {
    if (field.equals("count")) {
      return (Comparable<?>) row.get("count");
    }
    var dimension = Dimension.named(field);
    if (dimension.isPresent()) {
      return (Comparable<?>) dimensions(row).get(field);
    }
    int cut = field.indexOf('_');
    Object block = cut < 0 ? null : row.get(field.substring(0, cut));
    if (block instanceof Map<?, ?> m
        && m.get(field.substring(cut + 1)) instanceof Comparable<?> v) {
      return v;
    }
    throw new QueryError("orderBy: this dataset has no field " + field);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> dimensions(Map<String, Object> row) {
    return (Map<String, Object>) row.get("dimensions");
  }

  /** Numbers by value (longs and doubles alike), other values in their own order, nulls first. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final Comparator<Comparable<?>> NATURAL =
      (a, b) -> {
        if (a == null || b == null) {
          return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
          return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return ((Comparable) a).compareTo(b);
      };
}
