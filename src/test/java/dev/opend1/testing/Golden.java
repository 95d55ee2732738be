package dev.opend1.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Golden JSON envelopes: a reply's status and body, with values that change from run to run (UUIDs,
 * timestamps) replaced by placeholders, must equal {@code src/test/resources/golden/NAME} exactly,
 * key order included. Run with {@code -Dgolden.update=true} to rewrite the files, then review the
 * diff.
 */
public final class Golden {

  private static final Path DIR = Path.of("src/test/resources/golden");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
  private static final Pattern BOOKMARK =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}");

  private Golden() {}

  public static void assertMatches(D1Client.Reply reply, String name) {
    assertThat(reply.contentType()).startsWith("application/json");
    ObjectNode actual = D1Client.JSON.createObjectNode();
    actual.put("status", reply.status());
    actual.set("body", normalize(reply.json().deepCopy()));
    Path file = DIR.resolve(name);
    try {
      String text =
          D1Client.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n";
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(DIR);
        Files.writeString(file, text, StandardCharsets.UTF_8);
      }
      assertThat(file)
          .as("golden file %s is missing: run with -Dgolden.update=true and review it", file)
          .exists();
      assertThat(text).as("golden " + name).isEqualTo(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode normalize(JsonNode n) {
    if (n instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        e.setValue(normalize(e.getValue()));
      }
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, normalize(a.get(i)));
      }
    } else if (n.isTextual()) {
      String s = n.textValue();
      if (UUID.matcher(s).matches()) {
        return TextNode.valueOf("<uuid>");
      }
      if (HEX_ID.matcher(s).matches() && !s.equals(TestServer.ACCOUNT.value())) {
        return TextNode.valueOf("<random-id>");
      }
      if (BOOKMARK.matcher(s).matches()) {
        return TextNode.valueOf("<bookmark>");
      }
      String inText = TIMESTAMP.matcher(s).replaceAll("<timestamp>");
      if (!inText.equals(s)) {
        return TextNode.valueOf(inText);
      }
    }
    return n;
  }
}
