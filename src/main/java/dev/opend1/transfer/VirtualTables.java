package dev.opend1.transfer;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a dump must do with a table's rows, read from its {@code CREATE} text and its shadow tables.
 * An FTS5 table's text lives in one of three places (https://sqlite.org/fts5.html, "External
 * Content and Contentless Tables"): its own {@code <name>_content} shadow table (regular), another
 * table named by {@code content=} (external content), or nowhere ({@code content=''}, contentless,
 * also with {@code contentless_delete=1}).
 */
final class VirtualTables {

  private VirtualTables() {}

  /** How a table's rows go into a dump. */
  enum Kind {
    /** An ordinary table (or a virtual one that takes INSERTs, e.g. R*Tree): its rows. */
    PLAIN,
    /** A regular FTS5 table: its rows, with their rowids. */
    FTS5,
    /** An external-content FTS5 table: no rows; {@code 'rebuild'} once its content is back. */
    FTS5_EXTERNAL_CONTENT,
    /** A contentless FTS5 table: its index cannot be rebuilt from anything a dump holds. */
    FTS5_CONTENTLESS,
    /** A table that takes no INSERTs and holds nothing of its own (fts5vocab). */
    READ_ONLY
  }

  private static final Pattern MODULE =
      Pattern.compile("(?is)^\\s*CREATE\\s+VIRTUAL\\s+TABLE\\s.*?\\bUSING\\s+(\\w+)");

  /** The {@code content} option: quoted with ' or ", or a bare word. */
  private static final Pattern CONTENT =
      Pattern.compile(
          "(?i)[(,]\\s*content\\s*=\\s*(?:'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"|([^\\s,)]+))");

  static Kind kind(String name, String createSql, Set<String> shadowTables) {
    Matcher m = MODULE.matcher(createSql);
    if (!m.find()) {
      return Kind.PLAIN;
    }
    String module = m.group(1).toLowerCase(Locale.ROOT);
    if (module.equals("fts5vocab")) {
      return Kind.READ_ONLY;
    }
    if (!module.equals("fts5")) {
      return Kind.PLAIN;
    }
    if (shadowTables.contains(name + "_content")) {
      return Kind.FTS5;
    }
    Matcher content = CONTENT.matcher(createSql);
    if (!content.find()) {
      return Kind.FTS5;
    }
    String value =
        content.group(1) != null
            ? content.group(1)
            : content.group(2) != null ? content.group(2) : content.group(3);
    return value.isEmpty() ? Kind.FTS5_CONTENTLESS : Kind.FTS5_EXTERNAL_CONTENT;
  }
}
