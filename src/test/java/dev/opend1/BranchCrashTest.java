package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL while a database is being branched from a bookmark: after the restart the account holds
 * either no new database (its name free again) or a complete branch whose content is the source's
 * state at that bookmark, and the source is unchanged.
 */
class BranchCrashTest {

  static final String ACCOUNT = "00000000000000000000000000000b12";
  static final String TOKEN = "branch-crash-token";
  static final Map<String, String> ENV =
      Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN);
  static final String DBS = "/client/v4/accounts/" + ACCOUNT + "/d1/database";

  /** Rows of 100 kB: a source of about 20 MB, so a branch takes long enough to be cut short. */
  static final int ROWS = 200;

  /**
   * When each cycle's kill lands, in percent of a whole branch's time: early, in the middle, near
   * the end, and (-1) right after the branch was answered.
   */
  static final long[] KILL_AT = {20, 60, 95, -1};

  static final int CYCLES = KILL_AT.length;

  @TempDir Path dir;

  @Test
  void aKilledBranchLeavesNothingOrACompleteDatabase() throws Exception {
    String source;
    String bookmark;
    String then;
    String sourceNow;
    long branchMillis;
    try (ServerProcess server = start()) {
      D1Client c = client(server);
      source = DBS + "/" + ok(c.post(DBS, "{\"name\":\"source\"}")).result().get("uuid").asText();
      query(c, source, "CREATE TABLE t(a INTEGER PRIMARY KEY, b BLOB)");
      query(
          c,
          source,
          "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < "
              + ROWS
              + ") INSERT INTO t SELECT x, randomblob(100000) FROM n");
      bookmark = ok(c.get(source + "/time_travel/bookmark")).result().get("bookmark").asText();
      query(c, source, "UPDATE t SET b = randomblob(100000) WHERE a % 7 = 0");
      query(c, source, "DELETE FROM t WHERE a % 5 = 0");
      then = fingerprint(c, source + "/query?bookmark=" + bookmark);
      sourceNow = fingerprint(c, source + "/query");
      assertThat(then).isNotEqualTo(sourceNow);
    }
    // Timed on a server just started, as the branches the kills cut are.
    try (ServerProcess server = start()) {
      D1Client c = client(server);
      long started = System.nanoTime();
      ok(c.post(DBS, branchBody("timed", bookmark)));
      branchMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(fingerprint(c, DBS + "/timed/query")).isEqualTo(then);
      ok(c.delete(DBS + "/timed"));
    }

    Random random = new Random(12);
    List<String> outcomes = new ArrayList<>();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      String name = "branch" + cycle;
      try (ServerProcess server = start()) {
        D1Client c = client(server);
        AtomicReference<Reply> answer = new AtomicReference<>();
        Thread branching =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        answer.set(c.post(DBS, branchBody(name, bookmark)));
                      } catch (RuntimeException gone) {
                        // the server was killed before it answered
                      }
                    });
        if (KILL_AT[cycle] < 0) {
          branching.join(60_000);
        } else {
          Thread.sleep(KILL_AT[cycle] * branchMillis / 100 + random.nextLong(20));
        }
        server.kill();
        branching.join(30_000);
        outcomes.add(answer.get() != null && answer.get().status() == 200 ? "answered" : "cut");
        if (KILL_AT[cycle] < 0) {
          assertThat(outcomes.get(cycle)).as("waited for the answer").isEqualTo("answered");
        }
      }
      try (ServerProcess server = start()) {
        D1Client c = client(server);
        Reply list = ok(c.get(DBS));
        List<String> names = new ArrayList<>();
        list.result().forEach(d -> names.add(d.get("name").asText()));
        assertThat(names).as("cycle " + cycle).isSubsetOf("source", name).contains("source");
        if (names.contains(name)) {
          assertThat(fingerprint(c, DBS + "/" + name + "/query"))
              .as("a branch that survived the kill is complete")
              .isEqualTo(then);
          Reply check = ok(c.post(DBS + "/" + name + "/query", sql("PRAGMA quick_check")));
          assertThat(check.result().at("/0/results/0/quick_check").asText()).isEqualTo("ok");
          ok(c.delete(DBS + "/" + name));
          outcomes.set(cycle, outcomes.get(cycle) + ", kept");
        } else {
          assertThat(outcomes.get(cycle))
              .as("an answered branch survives the kill")
              .isEqualTo("cut");
          ok(c.post(DBS, "{\"name\":\"" + name + "\"}"));
          ok(c.delete(DBS + "/" + name));
          outcomes.set(cycle, "cut, gone, name free");
        }
        assertThat(fingerprint(c, source + "/query")).as("the source").isEqualTo(sourceNow);
      }
    }
    System.out.printf("branch crash: a branch took %d ms; kills: %s%n", branchMillis, outcomes);
  }

  private ServerProcess start() throws Exception {
    return ServerProcess.start(dir, List.of(), List.of(), ENV);
  }

  private static D1Client client(ServerProcess server) {
    return new D1Client(
        server.baseUrl(), Map.of("Authorization", "Bearer " + TOKEN), Duration.ofSeconds(60));
  }

  private static String branchBody(String name, String bookmark) {
    return "{\"name\":\""
        + name
        + "\",\"from\":{\"database\":\"source\",\"bookmark\":\""
        + bookmark
        + "\"}}";
  }

  private static String sql(String statement) {
    return D1Client.JSON.createObjectNode().put("sql", statement).toString();
  }

  private static void query(D1Client c, String db, String statement) {
    ok(c.post(db + "/query", sql(statement)));
  }

  /**
   * Every row's key, size and the two ends of its blob, and the schema: enough to tell two states
   * of this table apart without sending 20 MB of JSON.
   */
  private static String fingerprint(D1Client c, String queryPath) {
    Reply r =
        ok(
            c.post(
                queryPath,
                sql(
                    "SELECT (SELECT group_concat(sql, ';') FROM sqlite_master WHERE name = 't') AS s,"
                        + " count(*) AS n, group_concat(a || ':' || length(b) || ':'"
                        + " || hex(substr(b, 1, 8)) || hex(substr(b, -8)), ',') AS rows"
                        + " FROM (SELECT * FROM t ORDER BY a)")));
    JsonNode row = r.result().at("/0/results/0");
    return row.toString();
  }

  private static Reply ok(Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }
}
