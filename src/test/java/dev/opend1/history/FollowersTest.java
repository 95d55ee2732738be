package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DaemonPools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's followers are bounded like its open databases: past the bound the least recently read
 * one stops, one unread for the idle time stops, and a stopped one's copy is deleted. (What a
 * follower copies is {@code objectstore/FollowerTest}'s, against s3proxy.)
 */
class FollowersTest {

  @TempDir Path dir;

  private static DatabaseId db() {
    return new DatabaseId(UUID.randomUUID());
  }

  private long copies() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("replicas"))) {
      return s.count();
    }
  }

  @Test
  void pastTheBoundTheLeastRecentlyReadStops() throws Exception {
    try (Followers f =
        new Followers(
            new MemoryObjectStore(),
            dir.resolve("replicas"),
            DaemonPools.scheduled("test-follow"),
            2)) {
      DatabaseId one = db();
      DatabaseId two = db();
      DatabaseId three = db();
      Follower first = f.of(one);
      f.of(two);
      assertThat(f.of(one)).isSameAs(first);
      f.of(three);
      assertThat(f.size()).isEqualTo(2);
      assertThat(f.followedIds()).containsExactly(one, three);
      assertThat(f.ifFollowed(two)).isEmpty();
      // Read again, it starts again, as a new follower.
      assertThat(f.of(two)).isNotSameAs(first);
      assertThat(f.followedIds()).containsExactly(three, two);
    }
  }

  @Test
  void aFollowerNobodyReadsStopsAndItsCopyGoes() throws Exception {
    try (Followers f =
        new Followers(
            new MemoryObjectStore(),
            dir.resolve("replicas"),
            DaemonPools.scheduled("test-follow"))) {
      DatabaseId idle = db();
      DatabaseId busy = db();
      f.of(idle);
      f.of(busy);
      Files.createDirectories(dir.resolve("replicas").resolve(idle + "-1").resolve("history"));
      f.age(Followers.IDLE.plus(Duration.ofSeconds(1)));
      f.of(busy);
      f.stopIdle();
      assertThat(f.followedIds()).containsExactly(busy);
      assertThat(dir.resolve("replicas").resolve(idle + "-1")).doesNotExist();
      assertThat(copies()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void eachFollowedDatabaseReportsItsOwnLagUntilItIsStopped() throws Exception {
    try (Followers f =
        new Followers(
            new MemoryObjectStore(),
            dir.resolve("replicas"),
            DaemonPools.scheduled("test-follow"))) {
      DatabaseId idle = db();
      DatabaseId busy = db();
      f.of(idle);
      f.of(busy);
      assertThat(f.lags()).containsOnlyKeys(idle, busy);
      // Heard of a seq its copy does not hold (the bucket is empty): that copy alone is behind.
      f.of(busy).heard(4);
      assertThat(f.lags().get(busy).records()).isEqualTo(5);
      assertThat(f.lags().get(idle)).isEqualTo(new Follower.Lag(0, 0));
      assertThat(f.maxLag().records()).isEqualTo(5);
      f.age(Followers.IDLE.plus(Duration.ofSeconds(1)));
      f.of(busy);
      f.stopIdle();
      assertThat(f.lags()).containsOnlyKeys(busy);
    }
  }

  @Test
  void aStartEmptiesWhatAnEarlierRunLeft() throws Exception {
    Files.createDirectories(dir.resolve("replicas").resolve("left-over").resolve("history"));
    try (Followers f =
        new Followers(
            new MemoryObjectStore(),
            dir.resolve("replicas"),
            DaemonPools.scheduled("test-follow"))) {
      assertThat(copies()).isZero();
      assertThat(f.size()).isZero();
      assertThat(f.maxLag()).isEqualTo(new Follower.Lag(0, 0));
    }
  }
}
