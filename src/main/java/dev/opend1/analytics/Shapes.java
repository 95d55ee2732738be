package dev.opend1.analytics;

import dev.opend1.sql.QueryShape;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementSplitter;
import dev.opend1.sql.TextMemo;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements of a request's {@code sql}, as the analytics count them: each one's shape ({@link
 * QueryShape}) and whether it only reads. The answers for short texts are kept ({@link TextMemo}),
 * up to {@link #CACHED} of them.
 */
final class Shapes {

  /** A statement as counted: its shape, and whether it is a read query (else a write query). */
  record Shape(String text, boolean reads) {}

  static final int CACHED = 2048;

  /** Texts longer than this are split each time (a dump, a migration), not cached. */
  static final int CACHED_CHARS = 4096;

  /** Answers for recent texts. */
  private final TextMemo<List<Shape>> memo = new TextMemo<>(CACHED, CACHED_CHARS);

  List<Shape> of(String sql) {
    return memo.get(sql, Shapes::split);
  }

  private static List<Shape> split(String sql) {
    List<Shape> shapes = new ArrayList<>();
    for (SqlStatement s : StatementSplitter.split(sql)) {
      shapes.add(new Shape(QueryShape.of(s.text()), s.onlyReads()));
    }
    return List.copyOf(shapes);
  }
}
