package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RestorePlanTest {

  /** The history's records start at seq 0. */
  private static final long FIRST = 0;

  @Test
  void aFullPlanStartsFromTheLatestSnapshotAtOrBeforeTheTarget() {
    TreeSet<Long> snaps = new TreeSet<>(List.of(0L, 8L, 15L));
    assertThat(RestorePlan.full(12, snaps, FIRST))
        .isEqualTo(new RestorePlan(12, 8, List.of(9L, 10L, 11L, 12L)));
    assertThat(RestorePlan.full(8, snaps, FIRST)).isEqualTo(new RestorePlan(8, 8, List.of()));
    assertThat(RestorePlan.full(3, snaps, FIRST).base()).isZero();
    assertThatThrownBy(() -> RestorePlan.full(3, new TreeSet<>(List.of(5L)), FIRST))
        .hasMessageContaining("no snapshot");
  }

  @Test
  void recoveryReplaysInPlaceUnlessARestoreSnapshotIsNewer() {
    TreeSet<Long> snaps = new TreeSet<>(List.of(0L, 8L));
    assertThat(RestorePlan.fromFile(10, 13, snaps, FIRST))
        .isEqualTo(new RestorePlan(13, RestorePlan.IN_PLACE, List.of(11L, 12L, 13L)));
    assertThat(RestorePlan.fromFile(13, 13, snaps, FIRST).records()).isEmpty();
    TreeSet<Long> restored = new TreeSet<>(List.of(0L, 8L, 12L));
    assertThat(RestorePlan.fromFile(10, 14, restored, FIRST))
        .as("a restore at 12 replaced the file's state: start from its snapshot")
        .isEqualTo(new RestorePlan(14, 12, List.of(13L, 14L)));
    assertThat(RestorePlan.fromFile(-1, 5, snaps, FIRST).base()).as("unknown file: full").isZero();
  }
}
