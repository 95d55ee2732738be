package dev.opend1;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 status}: what a running server says of itself ({@code GET /status}), for people.
 * Exit 0 when it answers and every database is available, 1 when some database is unavailable, 2
 * when it cannot be asked.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Ask a running server how it is (GET /status): version, uptime, disk, open and"
            + " unavailable databases, queues, last checkpoint. Exit 0 when all is well, 1 when a"
            + " database is unavailable, 2 when the server cannot be asked.")
final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin OperatorClient server;

  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    JsonNode s = server.get("/status");
    PrintWriter out = spec.commandLine().getOut();
    JsonNode unavailable = s.path("databases").path("unavailable");
    if (json) {
      out.println(s.toPrettyString());
    } else {
      print(s, out);
    }
    out.flush();
    return unavailable.isEmpty() ? 0 : 1;
  }

  private static void print(JsonNode s, PrintWriter out) {
    Duration up = Duration.ofSeconds(s.path("uptime_seconds").asLong());
    out.printf(
        "opend1 %s (commit %s), up %s since %s%n",
        s.path("version").asText(),
        s.path("revision").asText(),
        up.toString().substring(2).toLowerCase(java.util.Locale.ROOT),
        s.path("started_at").asText());
    JsonNode disk = s.path("disk");
    out.printf(
        "data directory %s: %s free; databases %s, history %s%n",
        s.path("data_dir").asText(),
        OperatorClient.bytes(disk.path("free_bytes").asLong()),
        OperatorClient.bytes(disk.path("database_bytes").asLong()),
        OperatorClient.bytes(disk.path("history_bytes").asLong()));
    JsonNode dbs = s.path("databases");
    JsonNode unavailable = dbs.path("unavailable");
    out.printf(
        "databases: %d open, %s%n",
        dbs.path("open").asInt(),
        unavailable.isEmpty() ? "none unavailable" : unavailable.size() + " unavailable:");
    unavailable.forEach(
        u -> out.printf("  %s: %s%n", u.path("id").asText(), u.path("problem").asText()));
    JsonNode q = s.path("queues");
    out.printf(
        "queues: %d writes, %d SQL tasks waiting; %d exports and %d imports running%n",
        q.path("writes").asInt(),
        q.path("sql_tasks_waiting").asInt(),
        q.path("exports_running").asInt(),
        q.path("imports_running").asInt());
    out.printf(
        "last checkpoint: %s%n",
        s.path("last_checkpoint").isNull() ? "none yet" : s.path("last_checkpoint").asText());
    out.printf(
        "object storage: %s%n",
        s.path("object_storage").isNull() ? "not configured" : s.path("object_storage"));
  }
}
