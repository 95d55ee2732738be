package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryShapeTest {

  @Test
  void literalsBecomePlaceholders() {
    assertThat(QueryShape.of("SELECT * FROM t WHERE a = 'secret' AND b = 42 AND c = x'00ff'"))
        .isEqualTo("SELECT * FROM t WHERE a = ? AND b = ? AND c = ?");
    assertThat(QueryShape.of("INSERT INTO t VALUES (1, 2.5e3, 'it''s', -7)"))
        .isEqualTo("INSERT INTO t VALUES (?, ?, ?, -?)");
  }

  @Test
  void statementsThatDifferOnlyInValuesShareAShape() {
    assertThat(QueryShape.of("SELECT * FROM users WHERE id = 1"))
        .isEqualTo(QueryShape.of("SELECT  *\n FROM users WHERE id=  2").replace("id=", "id ="))
        .isEqualTo("SELECT * FROM users WHERE id = ?");
  }

  @Test
  void boundParametersAndNamesStayAsWritten() {
    assertThat(QueryShape.of("SELECT \"col 1\", [x] FROM t WHERE a = ?1 AND b = :name AND c = ?"))
        .isEqualTo("SELECT \"col 1\", [x] FROM t WHERE a = ?1 AND b = :name AND c = ?");
  }

  @Test
  void whitespaceRunsAndCommentsBecomeOneSpace() {
    assertThat(QueryShape.of("SELECT a,\n\t\tb -- the b column\nFROM /* inline */ t"))
        .isEqualTo("SELECT a, b FROM t");
    assertThat(QueryShape.of("SELECT a FROM t WHERE a=1")).isEqualTo("SELECT a FROM t WHERE a=?");
  }

  @Test
  void letterCaseIsKept() {
    assertThat(QueryShape.of("SELECT * From Customers"))
        .isNotEqualTo(QueryShape.of("SELECT * FROM Customers"));
  }

  @Test
  void aLongShapeIsCut() {
    String shape = QueryShape.of("SELECT " + "a, ".repeat(5000) + "b FROM t");
    assertThat(shape).hasSize(QueryShape.MAX_CHARS).endsWith("...");
  }
}
