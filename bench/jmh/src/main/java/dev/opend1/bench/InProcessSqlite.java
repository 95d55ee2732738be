package dev.opend1.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The physical limit of each HTTP workload in bench/run: the same SQL statements, on the same
 * schema and row counts, through sqlite-jdbc in one process with no HTTP, JSON or history. One
 * connection per JMH thread (so {@code -t 16} is sixteen connections), WAL, and
 * {@code synchronous=FULL} so that an autocommit INSERT is as durable as one acknowledged by opend1.
 *
 * <p>System properties (bench/run passes them): {@code bench.rows} rows in {@code kv}, {@code
 * bench.bigRows} rows of 1,000 characters in {@code big} (the 10 MB result).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InProcessSqlite {

  /** The database file, built once per fork with the schema and rows bench/run gives opend1. */
  @State(Scope.Benchmark)
  public static class Db {
    Path dir;
    String url;
    int rows;

    @Setup(Level.Trial)
    public void create() throws IOException, SQLException {
      rows = Integer.getInteger("bench.rows", 100_000);
      int bigRows = Integer.getInteger("bench.bigRows", 10_000);
      dir = Files.createTempDirectory("opend1-jmh");
      url = "jdbc:sqlite:" + dir.resolve("bench.sqlite");
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        // Same statements as bench/lib/schema.sql, which bench/run sends to opend1 and Miniflare.
        s.execute(
            "CREATE TABLE kv(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER NOT NULL,"
                + " payload TEXT NOT NULL)");
        s.execute("CREATE TABLE log(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        s.execute("CREATE TABLE big(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        s.execute(
            "INSERT INTO kv(id, name, score, payload) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL"
                + " SELECT x + 1 FROM c WHERE x < "
                + rows
                + ") SELECT x, 'name-' || x, x * 7 % 1000, hex(randomblob(50)) FROM c");
        s.execute(
            "INSERT INTO big(id, v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                + " WHERE x < "
                + bigRows
                + ") SELECT x, hex(randomblob(500)) FROM c");
      }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** One connection per benchmark thread, with its statements prepared once. */
  @State(Scope.Thread)
  public static class Conn {
    Connection c;
    PreparedStatement point;
    PreparedStatement range;
    PreparedStatement insert;
    PreparedStatement all;
    int rows;

    @Setup(Level.Trial)
    public void open(Db db) throws SQLException {
      rows = db.rows;
      c = DriverManager.getConnection(db.url);
      try (Statement s = c.createStatement()) {
        // The busy timeout first: sixteen threads open their connections at once, and setting
        // the journal mode can meet another connection's lock.
        s.execute("PRAGMA busy_timeout=30000");
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
      }
      point = c.prepareStatement("SELECT * FROM kv WHERE id = ?");
      range = c.prepareStatement("SELECT * FROM kv WHERE id >= ? ORDER BY id LIMIT 100");
      insert = c.prepareStatement("INSERT INTO log(v) VALUES (?)");
      all = c.prepareStatement("SELECT * FROM big");
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      c.close();
    }
  }

  private static void consume(ResultSet rs, Blackhole bh) throws SQLException {
    int columns = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      for (int i = 1; i <= columns; i++) {
        bh.consume(rs.getObject(i));
      }
    }
  }

  /** SELECT one row by primary key, a random one of {@code bench.rows}. */
  @Benchmark
  public void pointRead(Conn conn, Blackhole bh) throws SQLException {
    conn.point.setInt(1, 1 + ThreadLocalRandom.current().nextInt(conn.rows));
    try (ResultSet rs = conn.point.executeQuery()) {
      consume(rs, bh);
    }
  }

  /** SELECT 100 consecutive rows from a random start. */
  @Benchmark
  public void range100(Conn conn, Blackhole bh) throws SQLException {
    conn.range.setInt(1, 1 + ThreadLocalRandom.current().nextInt(conn.rows - 100));
    try (ResultSet rs = conn.range.executeQuery()) {
      consume(rs, bh);
    }
  }

  /** One autocommit single-row INSERT: one durable (synchronous=FULL) WAL commit each. */
  @Benchmark
  public void insertAutocommit(Conn conn) throws SQLException {
    conn.insert.setString(1, "row-value-of-some-length");
    conn.insert.executeUpdate();
  }

  /** 1,000 single-row INSERTs in one transaction, one durable commit. */
  @Benchmark
  public void batch1000(Conn conn) throws SQLException {
    conn.c.setAutoCommit(false);
    try {
      for (int i = 0; i < 1000; i++) {
        conn.insert.setString(1, "row-value-of-some-length");
        conn.insert.executeUpdate();
      }
      conn.c.commit();
    } finally {
      conn.c.setAutoCommit(true);
    }
  }

  /** SELECT every row of {@code big}: about 10 MB of text. */
  @Benchmark
  public void result10mb(Conn conn, Blackhole bh) throws SQLException {
    try (ResultSet rs = conn.all.executeQuery()) {
      consume(rs, bh);
    }
  }
}
