package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.config.Setting;
import dev.opend1.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The settings table of {@code docs/configuration.md}, {@code serve --help} and {@link Settings}
 * agree: the same settings in the same order, each with its flag, label, variable, default and
 * meaning.
 */
class ConfigDocsTableTest {

  static final Path CONFIGURATION_PAGE = Path.of("docs/configuration.md");

  record Row(String flag, String label, String env, String defaultValue, String meaning) {}

  private static List<Row> documentedRows() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(CONFIGURATION_PAGE)) {
      if (!line.startsWith("| `--")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String[] flag = cells[1].trim().replace("`", "").split(" ");
      rows.add(
          new Row(
              flag[0],
              flag.length > 1 ? flag[1] : "",
              cells[2].trim().replace("`", ""),
              cells[3].trim().replace("`", ""),
              cells[4].trim()));
    }
    return rows;
  }

  @Test
  void theConfigurationPageListsEverySettingAsItIs() throws Exception {
    List<Row> rows = documentedRows();
    assertThat(rows)
        .extracting(Row::flag)
        .containsExactlyElementsOf(Settings.ALL.stream().map(Setting::flag).toList());
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      Setting s = Settings.ALL.get(i);
      assertThat(row.label()).as(s.flag()).isEqualTo(s.label());
      assertThat(row.env()).as(s.flag()).isEqualTo(s.envVar());
      assertThat(row.defaultValue())
          .as(s.flag())
          .isEqualTo(s.defaultValue() == null ? "none" : s.defaultValue());
      assertThat(row.meaning()).as(s.flag()).isEqualTo(s.description());
    }
  }

  @Test
  void serveHelpListsEverySettingWithItsDefaultAndVariable() {
    String help =
        Main.commandLine().getSubcommands().get("serve").getUsageMessage().replaceAll("\\s+", " ");
    for (Setting s : Settings.ALL) {
      assertThat(help).contains(s.flag() + "=" + s.label());
      assertThat(help).contains(Main.helpLine(s).replaceAll("\\s+", " "));
    }
  }
}
