package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in the project's Markdown points at a file or directory of the repository
 * that exists, and every {@code #anchor} (to a Markdown page, or within one) at a heading of that
 * page, named as GitHub names it. External links ({@code https:}, {@code mailto:}) are not checked.
 */
class DocLinksTest {

  /** The pages checked: the front door, the contributors' guide, and every page under these. */
  private static final List<String> FILES = List.of("README.md", "CONTRIBUTING.md");

  private static final List<String> FOLDERS = List.of("docs", "e2e", "bench");

  /** Folders that hold installed or generated files, not the project's own pages. */
  private static final Set<String> SKIPPED = Set.of("node_modules", "target", "out", "artifacts");

  /** An inline link or image, {@code [text](target)} or {@code [text](target "title")}. */
  private static final Pattern INLINE =
      Pattern.compile(
          "\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

  /** A reference definition, {@code [label]: target}. */
  private static final Pattern REFERENCE =
      Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");

  /** A code span: a run of backticks, then text up to an equal run, within one paragraph. */
  private static final Pattern CODE_SPAN =
      Pattern.compile("(`+)(?!`)((?:(?!\\n[ \\t]*\\n).)*?)(?<!`)\\1(?!`)", Pattern.DOTALL);

  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

  @Test
  void everyRelativeLinkOfTheDocsPointsAtWhatExists() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    Check check = new Check(root);
    for (Path page : pages(root)) {
      check.page(page);
    }
    assertThat(check.problems).as("broken links").isEmpty();
    // A pattern that matched nothing would pass every page: the docs link to each other a lot.
    assertThat(check.linksChecked).as("links checked").isGreaterThan(50);
    assertThat(check.anchorsChecked).as("anchors checked").isGreaterThan(20);
  }

  @Test
  void aMissingFileAMissingAnchorAndALinkOutOfTheRepositoryAreEachReported(@TempDir Path dir)
      throws IOException {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(
        repo.resolve("docs/b.md"),
        """
        # Page B

        ## `--sql-compat d1|sqlite`

        ## JVM options: `OPEND1_JAVA_OPTS`

        ## Twice
        ## Twice
        """);
    Files.writeString(dir.resolve("outside.md"), "# Outside\n");
    Files.writeString(
        repo.resolve("a.md"),
        """
        # Page A

        Fine: [b](docs/b.md), [flags](docs/b.md#--sql-compat-d1sqlite), \
        [jvm](docs/b.md#jvm-options-opend1_java_opts), [second](docs/b.md#twice-1), [up](#page-a),
        [web](https://example.com/nope.md), `[in code](nope.md)`, [a folder](docs/).

        ```
        [in a fence](nope.md)
        ```

        Broken: [gone](docs/missing.md), [no such heading](docs/b.md#nowhere),
        [no heading here](#nowhere), [out](../outside.md), [wrapped
        text](docs/also-missing.md).
        """);
    Check check = new Check(repo);
    check.page(repo.resolve("a.md"));
    assertThat(check.problems)
        .hasSize(5)
        .anyMatch(p -> p.contains("docs/missing.md") && p.contains("no such file"))
        .anyMatch(p -> p.contains("docs/b.md#nowhere") && p.contains("no heading"))
        .anyMatch(p -> p.contains("(#nowhere)") && p.contains("no heading"))
        .anyMatch(p -> p.contains("../outside.md") && p.contains("outside the repository"))
        .anyMatch(p -> p.contains("docs/also-missing.md"));
    assertThat(check.problems).allMatch(p -> p.startsWith("a.md:"));
  }

  @Test
  void headingsAreNamedAsGitHubNamesThem() {
    assertThat(slug("Running SQL: `/query` and `/raw`")).isEqualTo("running-sql-query-and-raw");
    assertThat(slug("`opend1 doctor`")).isEqualTo("opend1-doctor");
    assertThat(slug("JVM options: `OPEND1_JAVA_OPTS`")).isEqualTo("jvm-options-opend1_java_opts");
    assertThat(slug("No 5xx after a write is applied"))
        .isEqualTo("no-5xx-after-a-write-is-applied");
    assertThat(slug("See [the API](api.md) — briefly")).isEqualTo("see-the-api--briefly");
  }

  /** The Markdown pages to check, in a stable order. */
  private static List<Path> pages(Path root) throws IOException {
    List<Path> pages = new ArrayList<>();
    for (String f : FILES) {
      pages.add(root.resolve(f));
    }
    for (String folder : FOLDERS) {
      try (Stream<Path> walk = Files.walk(root.resolve(folder))) {
        walk.filter(p -> p.toString().endsWith(".md"))
            .filter(p -> !skipped(root.relativize(p)))
            .sorted()
            .forEach(pages::add);
      }
    }
    return pages;
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (SKIPPED.contains(name) || name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Checks pages one by one and collects every problem as {@code page:line: (target) why}. */
  private static final class Check {
    final Path root;
    final List<String> problems = new ArrayList<>();
    final Map<Path, Set<String>> anchorsByPage = new HashMap<>();
    int linksChecked;
    int anchorsChecked;

    Check(Path root) {
      this.root = root;
    }

    void page(Path page) throws IOException {
      String text = withoutCode(Files.readString(page));
      List<Link> links = new ArrayList<>();
      for (Pattern p : List.of(INLINE, REFERENCE)) {
        Matcher m = p.matcher(text);
        while (m.find()) {
          links.add(new Link(m.group(1), lineOf(text, m.start())));
        }
      }
      for (Link link : links) {
        check(page, link);
      }
    }

    private void check(Path page, Link link) {
      String target = link.target();
      if (target.isEmpty() || SCHEME.matcher(target).find()) {
        return;
      }
      linksChecked++;
      int hash = target.indexOf('#');
      String file = hash < 0 ? target : target.substring(0, hash);
      String anchor = hash < 0 ? null : target.substring(hash + 1);
      int query = file.indexOf('?');
      if (query >= 0) {
        file = file.substring(0, query);
      }
      Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
      if (!resolved.startsWith(root)) {
        problem(page, link, "points outside the repository");
        return;
      }
      if (!Files.exists(resolved)) {
        problem(page, link, "no such file: " + root.relativize(resolved));
        return;
      }
      if (anchor != null && resolved.toString().endsWith(".md")) {
        anchorsChecked++;
        if (!anchors(resolved).contains(anchor)) {
          problem(page, link, "no heading with that anchor in " + root.relativize(resolved));
        }
      }
    }

    private void problem(Path page, Link link, String why) {
      problems.add(root.relativize(page) + ":" + link.line() + ": (" + link.target() + ") " + why);
    }

    private Set<String> anchors(Path page) {
      return anchorsByPage.computeIfAbsent(
          page,
          p -> {
            try {
              return anchorsOf(Files.readString(p));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }

  private record Link(String target, int line) {}

  /**
   * The anchors GitHub gives a page's headings (a repeated one gets -1, -2...) and HTML anchors.
   */
  static Set<String> anchorsOf(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean inFence = false;
    for (String line : markdown.split("\n", -1)) {
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
        continue;
      }
      if (inFence) {
        continue;
      }
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        anchors.add(html.group(1));
      }
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        String base = slug(h.group(2));
        int n = seen.merge(base, 1, Integer::sum) - 1;
        anchors.add(n == 0 ? base : base + "-" + n);
      }
    }
    return anchors;
  }

  /** GitHub's anchor for a heading: its text lowercased, punctuation dropped, spaces as dashes. */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
    StringBuilder slug = new StringBuilder();
    text.toLowerCase(Locale.ROOT)
        .codePoints()
        .forEach(
            c -> {
              if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
              } else if (c == ' ') {
                slug.append('-');
              }
            });
    return slug.toString();
  }

  /**
   * The text with fenced code blocks and code spans blanked, line breaks kept, so that a link shown
   * as code is not taken for a link and line numbers stay true.
   */
  static String withoutCode(String markdown) {
    StringBuilder prose = new StringBuilder();
    boolean inFence = false;
    for (String line : markdown.split("\n", -1)) {
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
        prose.append('\n');
        continue;
      }
      prose.append(inFence ? "" : line).append('\n');
    }
    return CODE_SPAN
        .matcher(prose)
        .replaceAll(m -> "\n".repeat((int) m.group().chars().filter(c -> c == '\n').count()));
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
