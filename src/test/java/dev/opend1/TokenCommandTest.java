package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ServerProcess.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opend1 token}'s help says what the command does: {@code list}'s help names its columns in
 * the order it prints them, and {@code create --read-only}'s help lists the rights the docs list.
 */
class TokenCommandTest {

  /** Each column {@code list}'s help names, by the heading {@code list} prints over it. */
  private static final Map<String, String> HEADINGS =
      Map.of(
          "id", "ID",
          "account", "ACCOUNT",
          "permission", "PERMISSION",
          "creation time", "CREATED",
          "name", "NAME");

  /** The rights a read-only token has, as the docs' sentence on {@code --read-only} gives them. */
  private static final Pattern DOCS_READ_RIGHTS =
      Pattern.compile("`--read-only` gives D1 Read rights \\(([^)]*)\\)");

  @TempDir Path dir;

  @Test
  void listsHelpNamesTheColumnsInTheOrderItPrintsThem() {
    String data = dir.toString();
    Output account = Commands.run("account", "create", "--data-dir", data);
    assertThat(account.exitCode()).as(account.stderr()).isZero();
    String accountId = account.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
    Output created =
        Commands.run(
            "token",
            "create",
            "--account",
            accountId,
            "--read-only",
            "--name",
            "reader",
            "--data-dir",
            data);
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    String tokenId = created.stdout().lines().findFirst().orElseThrow().replace("token id: ", "");

    Matcher named =
        Pattern.compile("List tokens, never the token itself: ([^.]*)\\.")
            .matcher(oneLine(Commands.run("token", "list", "--help").stdout()));
    assertThat(named.find()).as("list's help names its columns").isTrue();
    List<String> fromHelp =
        Arrays.stream(named.group(1).split(", ")).map(c -> HEADINGS.getOrDefault(c, c)).toList();

    Output list = Commands.run("token", "list", "--data-dir", data);
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    List<String> lines = list.stdout().lines().toList();
    assertThat(fromHelp).containsExactly(lines.get(0).trim().split(" +"));
    // The row holds its values in the same order: id, account, permission, creation time, name.
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        Pattern.quote(tokenId)
                            + " +"
                            + accountId
                            + " +read +\\d{4}-\\d\\d-\\d\\dT\\S+ +reader"));
  }

  @Test
  void readOnlysHelpListsTheRightsTheDocsList() throws Exception {
    String help = oneLine(Commands.run("token", "create", "--help").stdout());
    for (String page : List.of("docs/configuration.md", "docs/api.md")) {
      Matcher docs = DOCS_READ_RIGHTS.matcher(oneLine(Files.readString(Path.of(page))));
      assertThat(docs.find()).as(page + " says what --read-only gives").isTrue();
      assertThat(help).as(page).contains("D1 Read rights only (" + docs.group(1) + ")");
    }
  }

  /** Text with every run of white space (a wrapped line, its indent) as one space. */
  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ");
  }
}
