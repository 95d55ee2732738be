package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client.Reply;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Seeded random histories ({@link RandomHistory}): a branch made at a random bookmark holds exactly
 * the as-of read there, which is exactly what a restore to it shows; then the branch and its source
 * each see only their own writes, and a branch of the branch holds the branch's state at its
 * bookmark.
 */
class BranchPropertyTest {

  @Property(tries = 3, seed = "22")
  void aBranchIsTheStateAtItsBookmarkThenGoesItsOwnWay(@ForAll @LongRange(min = 1) long seed)
      throws Exception {
    try (RandomHistory h = RandomHistory.start(seed)) {
      String uuid = h.db.substring(h.db.lastIndexOf('/') + 1);
      List<String> points = new ArrayList<>();
      points.add(h.bookmark(h.db));
      for (int i = 0; i < 30; i++) {
        points.add(h.write());
      }
      for (int i = 0; i < 3; i++) {
        String at = points.get(h.random.nextInt(points.size()));
        String why = "branch " + i + " at " + at + " (seed " + seed + ")";
        String asOf = h.hash(h.db, "?bookmark=" + at);
        String branch = path(h.create(branchBody("b" + i, uuid, at)));
        assertThat(h.hash(branch)).as(why + ": the branch is the as-of read").isEqualTo(asOf);
        assertThat(restoredHash(h, at)).as(why + ": a restore shows the same").isEqualTo(asOf);

        String source = h.hash(h.db);
        write(h, branch, "CREATE TABLE only_b" + i + "(x); INSERT INTO only_b" + i + " VALUES (1)");
        String branched = h.hash(branch);
        assertThat(branched).as(why + ": the branch took its write").isNotEqualTo(asOf);
        assertThat(h.hash(h.db)).as(why + ": the source does not see it").isEqualTo(source);
        h.write();
        write(h, h.db, "CREATE TABLE only_s" + i + "(x)");
        assertThat(h.hash(h.db)).as(why + ": the source took its write").isNotEqualTo(source);
        assertThat(h.hash(branch)).as(why + ": the branch does not see it").isEqualTo(branched);

        String mark = h.bookmark(branch);
        String grand = path(h.create(branchBody("g" + i, "b" + i, mark)));
        assertThat(h.hash(grand))
            .as(why + ": a branch of the branch")
            .isEqualTo(h.hash(branch, "?bookmark=" + mark))
            .isEqualTo(branched);
        write(h, grand, "DROP TABLE only_b" + i);
        assertThat(h.hash(branch))
            .as(why + ": the branch does not see its own branch's write")
            .isEqualTo(branched);
      }
    }
  }

  /**
   * The hash of the source restored to {@code at}; the restore is then undone (its {@code
   * previous_bookmark}), which must bring back exactly what the source held.
   */
  private static String restoredHash(RandomHistory h, String at) throws Exception {
    String before = h.hash(h.db);
    Reply r = h.client.post(h.db + "/time_travel/restore?bookmark=" + at, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String restored = h.hash(h.db);
    String undo = r.result().get("previous_bookmark").asText();
    Reply back = h.client.post(h.db + "/time_travel/restore?bookmark=" + undo, null);
    assertThat(back.status()).as(back.body()).isEqualTo(200);
    assertThat(h.hash(h.db)).as("the restore undone (seed " + h.seed + ")").isEqualTo(before);
    return restored;
  }

  private static void write(RandomHistory h, String db, String statements) {
    Reply r = h.client.post(db + "/query", sql(statements));
    assertThat(r.status()).as(statements + " -> " + r.body()).isEqualTo(200);
  }

  private static String path(String uuid) {
    return databases() + "/" + uuid;
  }

  private static String branchBody(String name, String from, String bookmark) {
    return "{\"name\":\""
        + name
        + "\",\"from\":{\"database\":\""
        + from
        + "\",\"bookmark\":\""
        + bookmark
        + "\"}}";
  }
}
