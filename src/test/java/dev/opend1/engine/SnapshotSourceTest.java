package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.SqlCompat;
import dev.opend1.core.SqlLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The literals SQLite writes for an export's rows ({@link SnapshotSource#literalsOf}): each reads
 * back, through SQLite itself, as the value it came from, of the same type; text that would break a
 * line or be cut at a NUL is hex, and text that is not UTF-8 comes out as valid UTF-8.
 */
class SnapshotSourceTest {

  @TempDir Path dir;

  /** Values that a dump has to get exactly right, each as a SQL expression. */
  private static final List<String> VALUES =
      List.of(
          "NULL",
          "0",
          "-9223372036854775808",
          "9223372036854775807",
          "1.5",
          "0.1",
          "100.0",
          "1e21",
          "1e-7",
          "2.5e-310",
          "123456789.123456789",
          "0.30000000000000004",
          "9e999",
          "-9e999",
          "''",
          "'it''s'",
          "'ünï ☃ 𝄞'",
          "'line' || char(10) || 'break'",
          "'it''s' || char(10) || 'x''' || char(31)",
          "'tab' || char(9) || char(13)",
          "'a' || char(0) || 'b'",
          "x''",
          "x'00ff'",
          "randomblob(3000)");

  private static List<String> literals(SqlConnection c, String table, List<String> columns)
      throws Exception {
    List<String> lines = new ArrayList<>();
    new SnapshotSource(c, e -> new RuntimeException(e))
        .rows(table, false, columns, b -> lines.add(new String(b, StandardCharsets.UTF_8)));
    return lines;
  }

  private static SqlConnection open(Path file, SqlLimits limits) throws SQLException {
    return SqlConnection.open(file, false, limits);
  }

  @Test
  void everyValueReadsBackAsItselfOfTheSameType() throws Exception {
    try (SqlConnection c = open(dir.resolve("a.db"), SqlLimits.d1());
        Statement st = c.jdbc().createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
      st.execute("CREATE TABLE copy(id INTEGER PRIMARY KEY, v)");
      for (int i = 0; i < VALUES.size(); i++) {
        st.execute("INSERT INTO t VALUES (" + i + ", " + VALUES.get(i) + ")");
      }
      for (String line : literals(c, "t", List.of("id", "v"))) {
        assertThat(line).doesNotContain("\n", "\r", "\0");
        st.execute("INSERT INTO copy VALUES (" + line + ")");
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT t.id, copy.id IS NOT NULL, t.v IS copy.v AND typeof(t.v) = typeof(copy.v)"
                  + " FROM t LEFT JOIN copy USING (id) ORDER BY t.id")) {
        int n = 0;
        while (rs.next()) {
          assertThat(rs.getBoolean(2) && rs.getBoolean(3))
              .as("value %s", VALUES.get(rs.getInt(1)))
              .isTrue();
          n++;
        }
        assertThat(n).isEqualTo(VALUES.size());
      }
    }
  }

  @Test
  void controlCharactersAndNulAreWrittenAsHexAndBadUtf8AsReplacementCharacters() throws Exception {
    try (SqlConnection c = open(dir.resolve("b.db"), SqlLimits.d1());
        Statement st = c.jdbc().createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
      st.execute("INSERT INTO t VALUES (1, 'a' || char(0) || 'b'), (2, 'x' || char(10) || 'y')");
      st.execute("INSERT INTO t VALUES (3, CAST(x'61ff62' AS TEXT)), (4, 'plain'), (5, x'00FF')");
      // Hex in lowercase, as D1's exports write BLOBs.
      assertThat(literals(c, "t", List.of("v")))
          .containsExactly(
              "CAST(X'610062' AS TEXT)",
              "CAST(X'780a79' AS TEXT)",
              "'a\uFFFDb'",
              "'plain'",
              "X'00ff'");
    }
  }

  /**
   * BLOBs come out in lowercase hex however their row is made up; text that looks like a BLOB
   * literal, or that ends in an {@code X} before a BLOB, keeps its case.
   */
  @Test
  void blobHexIsLowercaseAndTextKeepsItsCase() throws Exception {
    try (SqlConnection c = open(dir.resolve("d.db"), SqlLimits.d1());
        Statement st = c.jdbc().createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b, c)");
      st.execute("INSERT INTO t VALUES (1, 'X''AB''', x'ABCDEF', 'ABX')");
      st.execute("INSERT INTO t VALUES (2, 'X', x'0A', 'x' || char(10) || 'AB')");
      st.execute("INSERT INTO t VALUES (3, x'', 'X''''', x'FF00')");
      assertThat(literals(c, "t", List.of("a", "b", "c")))
          .containsExactly(
              "'X''AB''',X'abcdef','ABX'",
              "'X',X'0a',CAST(X'780a4142' AS TEXT)",
              "X'','X''''',X'ff00'");
    }
  }

  /**
   * A row of more columns than one {@code concat_ws} takes, on a connection whose user SQL may pass
   * a function only one argument and whose values are capped below the row's length.
   */
  @Test
  void wideRowsAndLongRowsPassTheLimitsUserSqlHas() throws Exception {
    SqlLimits tight =
        new SqlLimits(
            100_000, 100, 5_000, 2000, 1, 50, Duration.ofSeconds(30), 1L << 40, 10, SqlCompat.D1);
    try (SqlConnection c = open(dir.resolve("c.db"), tight);
        Statement st = c.jdbc().createStatement()) {
      List<String> columns = new ArrayList<>();
      StringBuilder create = new StringBuilder("CREATE TABLE w(");
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < 250; i++) {
        columns.add("c" + i);
        create.append(i == 0 ? "" : ",").append("c").append(i);
        values.append(i == 0 ? "" : ",").append("randomblob(4000)");
      }
      st.execute(create.append(")").toString());
      c.dumpLimits(true); // to insert the row at all
      st.execute("INSERT INTO w VALUES (" + values + ")");
      c.dumpLimits(false);
      List<String> lines = literals(c, "w", columns);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).split(",")).hasSize(250).allMatch(v -> v.length() == 8003);
      // D1's limits are back for user SQL afterwards.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> st.executeQuery("SELECT concat_ws(',', 1, 2)"))
          .hasMessageContaining("too many arguments");
    }
  }
}
