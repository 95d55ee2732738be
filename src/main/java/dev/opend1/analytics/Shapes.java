package dev.opend1.analytics;

import dev.opend1.sql.QueryShape;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statements of a request's {@code sql}, as the analytics count them: each one's shape ({@link
 * QueryShape}) and whether it only reads. Applications send the same few texts again and again
 * (their values bound as parameters), so the answers for short texts are kept, up to {@link
 * #CACHED} of them; the cache is emptied when full.
 */
final class Shapes {

  /** A statement as counted: its shape, and whether it is a read query (else a write query). */
  record Shape(String text, boolean reads) {}

  static final int CACHED = 2048;

  /** Texts longer than this are split each time (a dump, a migration), not cached. */
  static final int CACHED_CHARS = 4096;

  /** Answers for recent texts; thread-safe, emptied when it reaches {@link #CACHED} entries. */
  private final ConcurrentHashMap<String, List<Shape>> cache = new ConcurrentHashMap<>();

  List<Shape> of(String sql) {
    if (sql.length() > CACHED_CHARS) {
      return split(sql);
    }
    List<Shape> shapes = cache.get(sql);
    if (shapes == null) {
      if (cache.size() >= CACHED) {
        cache.clear();
      }
      shapes = split(sql);
      cache.put(sql, shapes);
    }
    return shapes;
  }

  private static List<Shape> split(String sql) {
    List<Shape> shapes = new ArrayList<>();
    for (SqlStatement s : StatementSplitter.split(sql)) {
      shapes.add(new Shape(QueryShape.of(s.text()), reads(s)));
    }
    return List.copyOf(shapes);
  }

  /**
   * A read query is a statement that cannot change the database (SELECT, EXPLAIN, a PRAGMA that
   * only reads); any other is a write query.
   */
  private static boolean reads(SqlStatement s) {
    return switch (s.kind()) {
      case SELECT, EXPLAIN -> true;
      case PRAGMA -> !s.pragmaAssigns();
      default -> false;
    };
  }
}
