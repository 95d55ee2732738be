package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which INSERTs share a shape (literal rows after the same text), and which have none. */
class LiteralRowsTest {

  @Test
  void dumpLinesOfOneTableShareTheirShape() {
    String a = LiteralRows.shape("INSERT INTO \"t\" (\"a\",\"b\",\"c\") VALUES(1,'x;y',X'00ff')");
    String b =
        LiteralRows.shape("INSERT INTO \"t\" (\"a\",\"b\",\"c\") VALUES(-2.5e-7,NULL,'it''s')");
    assertThat(a).isEqualTo("INSERT INTO \"t\" (\"a\",\"b\",\"c\") VALUES 3").isEqualTo(b);
    assertThat(LiteralRows.shape("insert into t values (1, 2), (3, 4)"))
        .isEqualTo("insert into t values 2 2");
    assertThat(LiteralRows.shape("REPLACE INTO t VALUES(+1)")).isEqualTo("REPLACE INTO t VALUES 1");
  }

  @Test
  void theTableTheColumnsAndTheRowSizesAreAllPartOfTheShape() {
    String base = LiteralRows.shape("INSERT INTO t VALUES(1,2)");
    assertThat(LiteralRows.shape("INSERT INTO u VALUES(1,2)")).isNotEqualTo(base);
    assertThat(LiteralRows.shape("INSERT INTO 't' VALUES(1,2)")).isNotEqualTo(base);
    assertThat(LiteralRows.shape("INSERT INTO t(a,b) VALUES(1,2)")).isNotEqualTo(base);
    assertThat(LiteralRows.shape("INSERT INTO t VALUES(1)")).isNotEqualTo(base);
    assertThat(LiteralRows.shape("INSERT INTO t VALUES(1,2),(3,4)")).isNotEqualTo(base);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "INSERT INTO t VALUES(abs(1))",
        "INSERT INTO t VALUES(a)",
        "INSERT INTO t VALUES(1+2)",
        "INSERT INTO t VALUES(0x1e-7)",
        "INSERT INTO t VALUES(-'x')",
        "INSERT INTO t VALUES((SELECT 1))",
        "INSERT INTO t VALUES(?)",
        "INSERT INTO t VALUES(TRUE)",
        "INSERT INTO t VALUES(1) ON CONFLICT DO NOTHING",
        "INSERT INTO t VALUES(1) RETURNING *",
        "INSERT INTO t VALUES(1),",
        "INSERT INTO t VALUES(1",
        "INSERT INTO t VALUES()",
        "INSERT INTO t DEFAULT VALUES",
        "INSERT INTO t SELECT * FROM (VALUES(1))",
        "UPDATE t SET a = 1",
        "WITH c AS (SELECT 1) INSERT INTO t VALUES(1)",
        "VALUES(1)",
        "INSERT INTO t VALUES('x",
      })
  void anythingButLiteralRowsHasNoShape(String sql) {
    assertThat(LiteralRows.shape(sql)).as(sql).isNull();
  }
}
