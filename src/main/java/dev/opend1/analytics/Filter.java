package dev.opend1.analytics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A dataset's {@code filter} argument, as a test of stored minutes: each field is a dimension and
 * an operator ({@code datetimeHour_geq}, {@code databaseId_in}, {@code query_like}, or the bare
 * name for equality); the fields of one object must all hold; {@code AND} and {@code OR} take lists
 * of such objects.
 *
 * <p>It also says which minutes and databases a read can be limited to ({@link #scope}), from the
 * conditions every match must meet: those at the top and under {@code AND}.
 */
final class Filter {

  /** One condition on one dimension. */
  private record Condition(Dimension dimension, String op, Object value) {}

  private final List<Condition> conditions = new ArrayList<>();
  private final List<Filter> all = new ArrayList<>();
  private final List<Filter> any = new ArrayList<>();

  private Filter() {}

  /**
   * Reads a filter object (as GraphQL coerced it). Every field must be one of {@code allowed} (the
   * dataset's own filter fields), else the query is refused.
   */
  static Filter parse(Map<String, Object> fields, Set<String> allowed) {
    Filter f = new Filter();
    if (fields == null) {
      return f;
    }
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (!allowed.contains(key)) {
        throw new QueryError("filter: this dataset has no field " + key);
      }
      if (value == null) {
        continue;
      }
      if (key.equals("AND") || key.equals("OR")) {
        List<Filter> into = key.equals("AND") ? f.all : f.any;
        for (Object child : (List<?>) value) {
          into.add(parse(asMap(child), allowed));
        }
        continue;
      }
      int cut = key.indexOf('_');
      String name = cut < 0 ? key : key.substring(0, cut);
      String op = cut < 0 ? "eq" : key.substring(cut + 1);
      Dimension d =
          Dimension.named(name).orElseThrow(() -> new QueryError("filter: unknown field " + key));
      f.conditions.add(new Condition(d, op, value));
    }
    return f;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new QueryError("filter: AND and OR take a list of filter objects");
  }

  /**
   * Whether a stored minute of {@code database} (and of the statement shape {@code query}) passes.
   */
  boolean test(long minute, String database, String query) {
    for (Condition c : conditions) {
      if (!holds(c, c.dimension().of(minute, database, query))) {
        return false;
      }
    }
    for (Filter f : all) {
      if (!f.test(minute, database, query)) {
        return false;
      }
    }
    if (!any.isEmpty()) {
      for (Filter f : any) {
        if (f.test(minute, database, query)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean holds(Condition c, Comparable actual) {
    Object v = c.value();
    if (actual == null) {
      return false;
    }
    return switch (c.op()) {
      case "eq" -> actual.equals(v);
      case "neq" -> !actual.equals(v);
      case "in" -> ((List<?>) v).contains(actual);
      case "notin" -> !((List<?>) v).contains(actual);
      case "like" -> like((String) v).matcher((String) actual).matches();
      case "notlike" -> !like((String) v).matcher((String) actual).matches();
      case "geq" -> actual.compareTo(v) >= 0;
      case "gt" -> actual.compareTo(v) > 0;
      case "leq" -> actual.compareTo(v) <= 0;
      case "lt" -> actual.compareTo(v) < 0;
      default -> throw new QueryError("filter: unknown operator _" + c.op());
    };
  }

  /** SQL's LIKE: {@code %} any run, {@code _} any one character; case-sensitive. */
  private static Pattern like(String pattern) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      switch (ch) {
        case '%' -> re.append(".*");
        case '_' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /**
   * The stored minutes a read needs for this filter: the minutes within {@code [from, to]} that the
   * time conditions every match meets allow, and the databases named by such a {@code databaseId}
   * or {@code databaseId_in}.
   */
  Scope scope(String account, long from, long to) {
    long[] range = {from, to};
    Set<String> databases = narrow(range, null);
    return new Scope(account, range[0], range[1], Optional.ofNullable(databases));
  }

  /** Narrows {@code range} by this filter's own and its ANDs' conditions; returns databases. */
  private Set<String> narrow(long[] range, Set<String> databases) {
    for (Condition c : conditions) {
      Dimension d = c.dimension();
      if (d.isTime()) {
        long at = Dimension.minuteOf(c.value());
        // A minute whose period starts at P passes "P >= at" only if the minute is at or after
        // at, and "P <= at" only if it is before the end of at's period.
        long end = at + d.minutes - 1;
        switch (c.op()) {
          case "eq" -> {
            range[0] = Math.max(range[0], at);
            range[1] = Math.min(range[1], end);
          }
          case "geq", "gt" -> range[0] = Math.max(range[0], at);
          case "leq", "lt" -> range[1] = Math.min(range[1], end);
          default -> {}
        }
      } else if (d == Dimension.DATABASE_ID && (c.op().equals("eq") || c.op().equals("in"))) {
        Set<String> named = new HashSet<>();
        if (c.value() instanceof List<?> list) {
          list.forEach(x -> named.add(String.valueOf(x)));
        } else {
          named.add(String.valueOf(c.value()));
        }
        if (databases != null) {
          named.retainAll(databases);
        }
        databases = named;
      }
    }
    for (Filter f : all) {
      databases = f.narrow(range, databases);
    }
    return databases;
  }
}
