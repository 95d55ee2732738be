package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ImportDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Seeded random histories ({@link RandomHistory}: inserts, updates, deletes, schema changes, large
 * deletes, a WITHOUT ROWID table, indexes, views and triggers, rows swapping UNIQUE values, foreign
 * keys with actions, a trigger writing another table): for random pairs of bookmarks, the diff's
 * SQL applied to the state at the older (a restore to it) yields exactly the state at the newer.
 * Each history's scripts must have inserted, updated and deleted rows, so the property cannot
 * silently stop covering one of them.
 */
class DiffPropertyTest {

  @Property(tries = 3, seed = "21")
  void theDiffsSqlTurnTheOlderStateIntoTheNewer(@ForAll @LongRange(min = 1) long seed)
      throws Exception {
    try (RandomHistory h = RandomHistory.start(seed)) {
      List<String> points = new ArrayList<>();
      points.add(h.bookmark(h.db));
      for (int i = 0; i < 40; i++) {
        points.add(h.write());
      }
      Set<String> verbs = new TreeSet<>();
      for (int i = 0; i < 5; i++) {
        // An older state in the first half, a newer in the second, or (once) the same state.
        int half = points.size() / 2;
        int a = h.random.nextInt(half);
        int b = i == 4 ? a : half + h.random.nextInt(points.size() - half);
        String from = points.get(a);
        String to = points.get(b);
        String wanted = h.hash(h.db, "?bookmark=" + to);
        Reply script =
            h.client.get(h.db + "/time_travel/diff?format=sql&from=" + from + "&to=" + to);
        assertThat(script.status()).as(script.body()).isEqualTo(200);
        assertThat(script.body()).endsWith("-- end of diff\n");
        script.body().lines().map(l -> l.split(" ", 2)[0]).forEach(verbs::add);
        Reply restored =
            h.client.send("POST", h.db + "/time_travel/restore?bookmark=" + from, null);
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        var imported = ImportDriver.run(h.client, h.db, script.body());
        assertThat(imported.get("success").asBoolean())
            .as("%s to %s (seed %d): %s%n%s", a, b, seed, imported, script.body())
            .isTrue();
        assertThat(h.hash(h.db))
            .as("%s to %s (seed %d):%n%s", a, b, seed, script.body())
            .isEqualTo(wanted);
      }
      assertThat(verbs).as("seed " + seed).contains("INSERT", "UPDATE", "DELETE");
    }
  }
}
