package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import dev.opend1.engine.Engine;
import dev.opend1.engine.QueryInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An engine whose commits go to a history, in a data directory of its own, with one database
 * created: what the tests of restores, transfers and history faults start from. Close it after
 * whatever uses its engine.
 */
public final class EngineWithHistory implements AutoCloseable {

  public final Path dir;
  public final History history;
  public final Engine engine;
  public final DatabaseId id = DatabaseId.random();

  private EngineWithHistory(Path dir, History history) {
    this.dir = dir;
    this.history = history;
    this.engine = new Engine(dir, SqlLimits.d1(), 4, 16, history);
    engine.recover();
    engine.createDatabase(id, new byte[0]);
  }

  /** History kept in local directories, 30 days of it. */
  public static EngineWithHistory start(Path dir) {
    return new EngineWithHistory(dir, new History(dir, Duration.ofDays(30)));
  }

  /** History kept in the stores {@code stores} makes (a faulty one, say). */
  static EngineWithHistory start(Path dir, History.StoreFactory stores) {
    return new EngineWithHistory(dir, new History(dir, Duration.ofDays(30), stores));
  }

  /** Time travel on this engine, whose restores give running requests {@code grace}. */
  public TimeTravel timeTravel(Duration grace) {
    return new TimeTravel(history, engine, 1000, Duration.ofMinutes(10), grace);
  }

  /** Runs SQL as one request on the database; returns the first column of every row. */
  public List<Object> run(String sql) {
    return run(engine, id, sql);
  }

  /** Runs SQL as one request on any engine's database; returns the first column of every row. */
  public static List<Object> run(Engine engine, DatabaseId id, String sql) {
    dev.opend1.testing.FirstColumn rows = new dev.opend1.testing.FirstColumn();
    engine.execute(id, List.of(new QueryInput(sql, List.of())), false, rows);
    return rows.values;
  }

  /**
   * {@code ok}, or what {@code PRAGMA integrity_check} finds wrong with the database's file (user
   * SQL may not run it, as on D1).
   */
  public String integrity() {
    return dev.opend1.testing.Integrity.check(dir, id.toString());
  }

  /** The database's current bookmark. */
  public Bookmark bookmark() {
    try {
      return history.current(id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    engine.close();
    history.close();
  }
}
