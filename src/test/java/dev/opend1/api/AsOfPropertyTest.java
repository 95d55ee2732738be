package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client.Reply;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Seeded random histories ({@link RandomHistory}: inserts, updates, deletes, schema changes, large
 * deletes that free and reuse many pages, constrained tables): the state read as of every bookmark
 * is exactly the state recorded when that bookmark was current, and exactly what a restore to it
 * then shows.
 */
class AsOfPropertyTest {

  record Point(String bookmark, String hash) {}

  @Property(tries = 3, seed = "20")
  void everyBookmarkReadsAsARestoreWouldShow(@ForAll @LongRange(min = 1) long seed)
      throws Exception {
    try (RandomHistory h = RandomHistory.start(seed)) {
      List<Point> points = new ArrayList<>();
      points.add(new Point(h.bookmark(h.db), h.hash(h.db)));
      for (int i = 0; i < 40; i++) {
        points.add(new Point(h.write(), h.hash(h.db)));
      }
      for (Point p : points) {
        assertThat(h.hash(h.db, "?bookmark=" + p.bookmark()))
            .as("as of " + p.bookmark() + " (seed " + seed + ")")
            .isEqualTo(p.hash());
      }
      for (int i = 0; i < 3; i++) {
        Point p = points.get(h.random.nextInt(points.size()));
        String asOf = h.hash(h.db, "?bookmark=" + p.bookmark());
        Reply r =
            h.client.send("POST", h.db + "/time_travel/restore?bookmark=" + p.bookmark(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(h.hash(h.db)).as("restored (seed " + seed + ")").isEqualTo(asOf);
      }
    }
  }
}
