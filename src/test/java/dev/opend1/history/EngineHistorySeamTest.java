package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import dev.opend1.engine.CommitHook;
import dev.opend1.engine.Engine;
import dev.opend1.engine.StateImage;
import dev.opend1.testing.IdleClose;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine/history seam: the history describes states and the engine writes them, so a restore
 * writes the restored state once and calls nothing back, and a database made before history is
 * adopted by the engine.
 */
class EngineHistorySeamTest {

  @TempDir Path dir;

  /** The history as the engine's hook, noting every call and what each open was asked to write. */
  static final class Recording implements CommitHook {
    final CommitHook history;
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

    Recording(CommitHook history) {
      this.history = history;
    }

    @Override
    public boolean adopts(DatabaseId id) throws IOException {
      calls.add("adopts");
      return history.adopts(id);
    }

    @Override
    public Optional<StateImage> beforeOpen(DatabaseId id) throws IOException {
      Optional<StateImage> image = history.beforeOpen(id);
      int pages = 0;
      try (StateImage.PageReader r = image.orElseThrow().openPages()) {
        while (r.next() != null) {
          pages++;
        }
      }
      calls.add(
          "beforeOpen " + (image.get().inPlace() ? "in place" : "whole") + ", " + pages + " pages");
      return image;
    }

    @Override
    public void applied(DatabaseId id, StateImage image) throws IOException {
      calls.add("applied");
      history.applied(id, image);
    }

    @Override
    public CompletableFuture<dev.opend1.core.Bookmark> afterCommit(DatabaseId id, Path dbFile)
        throws IOException {
      calls.add("afterCommit");
      return history.afterCommit(id, dbFile);
    }

    @Override
    public void writerClosed(DatabaseId id) {
      calls.add("writerClosed");
      history.writerClosed(id);
    }

    @Override
    public void afterCheckpoint(DatabaseId id) throws IOException {
      calls.add("afterCheckpoint");
      history.afterCheckpoint(id);
    }

    @Override
    public void created(DatabaseId id, Path dbFile) throws IOException {
      calls.add("created");
      history.created(id, dbFile);
    }

    @Override
    public void deleting(DatabaseId id) throws IOException {
      calls.add("deleting");
      history.deleting(id);
    }

    @Override
    public void deleted(DatabaseId id) {
      calls.add("deleted");
      history.deleted(id);
    }

    @Override
    public void reopening(DatabaseId id) {
      calls.add("reopening");
      history.reopening(id);
    }
  }

  /** The recording stands for the history in every call of the seam, defaults included. */
  @Test
  void theRecordingForwardsEveryCallOfTheSeam() {
    for (java.lang.reflect.Method m : CommitHook.class.getMethods()) {
      if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        assertThat(Recording.class.getDeclaredMethods())
            .as("Recording overrides " + m.getName())
            .anyMatch(
                r ->
                    r.getName().equals(m.getName())
                        && java.util.Arrays.equals(r.getParameterTypes(), m.getParameterTypes()));
      }
    }
  }

  private static List<Object> run(Engine engine, DatabaseId id, String sql) {
    return EngineWithHistory.run(engine, id, sql);
  }

  @Test
  void aRestoreWritesTheRestoredStateOnceAndCallsNothingBack() throws Exception {
    DatabaseId id = DatabaseId.random();
    try (History history = new History(dir, Duration.ofDays(30))) {
      Recording hook = new Recording(history);
      try (Engine engine = new Engine(dir, SqlLimits.d1(), 4, 16, hook)) {
        engine.recover();
        engine.createDatabase(id, new byte[0]);
        run(engine, id, "CREATE TABLE t(a)");
        run(engine, id, "INSERT INTO t VALUES (1)");
        Bookmark one = history.current(id);
        run(engine, id, "INSERT INTO t VALUES (2)");
        run(engine, id, "INSERT INTO t VALUES (3)");
        TimeTravel timeTravel = new TimeTravel(history, engine, 10, Duration.ofMinutes(10));

        hook.calls.clear();
        timeTravel.restore(id, Optional.of(one.toString()), Optional.empty());
        assertThat(run(engine, id, "SELECT a FROM t")).containsExactly(1L);

        assertThat(hook.calls)
            .as(
                "the writer closes (its WAL let go); no checkpoint and no rebuild: only the reopen"
                    + " asks, and finds nothing to write")
            .containsExactly("writerClosed", "adopts", "beforeOpen in place, 0 pages", "applied");
      }
    }
  }

  @Test
  void aDatabaseMadeBeforeHistoryIsAdoptedAsItsFirstState() throws Exception {
    DatabaseId id = DatabaseId.random();
    try (Engine plain = new Engine(dir)) {
      plain.recover();
      plain.createDatabase(id, new byte[0]);
      run(plain, id, "CREATE TABLE t(a)");
      run(plain, id, "INSERT INTO t VALUES (1)");
    }
    try (History history = new History(dir, Duration.ofDays(30))) {
      Recording hook = new Recording(history);
      try (Engine engine = new Engine(dir, SqlLimits.d1(), 4, 16, hook)) {
        assertThat(run(engine, id, "SELECT a FROM t")).containsExactly(1L);
        assertThat(hook.calls)
            .containsExactly("adopts", "created", "beforeOpen in place, 0 pages", "applied");
        Bookmark adopted = history.current(id);
        assertThat(adopted.seq()).isZero();
        run(engine, id, "INSERT INTO t VALUES (2)");
        new TimeTravel(history, engine, 10, Duration.ofMinutes(10))
            .restore(id, Optional.of(adopted.toString()), Optional.empty());
        assertThat(run(engine, id, "SELECT a FROM t")).containsExactly(1L);
      }
    }
  }

  @Test
  void theWalIsLetGoWhenTheWriterClosesAndTheNextOneIsFollowed() throws Exception {
    // The history keeps the WAL open from one capture to the next; SQLite deletes it when the
    // database closes, and the next open makes a new one, whose commits must all be captured.
    try (EngineWithHistory e = EngineWithHistory.start(dir)) {
      e.run("CREATE TABLE t(a)");
      e.run("INSERT INTO t VALUES (1)");
      long before = e.history.current(e.id).seq();
      assertThat(IdleClose.closeAll(e.engine)).isEqualTo(1);
      assertThat(openWals()).as("no descriptor left on a WAL, deleted or not").isEmpty();

      e.run("INSERT INTO t VALUES (2)");
      e.run("INSERT INTO t VALUES (3)");
      Bookmark last = e.history.current(e.id);
      assertThat(last.seq()).as("both commits after the reopen captured").isEqualTo(before + 2);
      Path image = dir.resolve("at-last.db");
      e.history.of(e.id).buildImage(last.seq(), image);
      try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + image);
          var st = c.createStatement();
          var rs = st.executeQuery("SELECT group_concat(a) FROM t")) {
        assertThat(rs.getString(1)).isEqualTo("1,2,3");
      }
    }
  }

  /** This process's open descriptors on a WAL under the test's directory. */
  private List<String> openWals() throws IOException {
    List<String> wals = new ArrayList<>();
    try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = java.nio.file.Files.readSymbolicLink(fd).toString();
          if (target.startsWith(dir.toString()) && target.contains("-wal")) {
            wals.add(target);
          }
        } catch (IOException gone) {
          // The listing's own descriptor, closed by now.
        }
      }
    }
    return wals;
  }
}
