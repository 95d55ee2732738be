package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokenizer sees quotes, comments, words and whitespace as SQLite does. */
class TokenizerTest {

  private static List<String> texts(String sql) {
    return Tokenizer.tokenize(sql).stream().map(t -> t.text(sql)).toList();
  }

  private static List<Token.Type> types(String sql) {
    return Tokenizer.tokenize(sql).stream().map(Token::type).toList();
  }

  @Test
  void quotesOfEachKindAreOneToken() {
    assertThat(types("'a''b' \"c\"\"d\" `e``f` [g\"h] x'00' X'FF'"))
        .containsExactly(
            Token.Type.STRING,
            Token.Type.QUOTED_ID,
            Token.Type.QUOTED_ID,
            Token.Type.QUOTED_ID,
            Token.Type.BLOB,
            Token.Type.BLOB);
  }

  @Test
  void namesAreUnquoted() {
    String sql = "'a''b' \"c\"\"d\" `e``f` [g\"\"h] plain";
    assertThat(Tokenizer.tokenize(sql).stream().map(t -> t.name(sql)))
        .containsExactly("a'b", "c\"d", "e`f", "g\"\"h", "plain");
  }

  @Test
  void commentsAndWhitespaceAreNotTokens() {
    assertThat(texts(" \t\r\n\f\u000b/* a; */-- b;\nSELECT/**/1 -- end"))
        .containsExactly("SELECT", "1");
  }

  @Test
  void wordsAreWhatSqliteCallsIdentifiers() {
    assertThat(texts("begin_date a$b café x\u00a0y END"))
        .containsExactly("begin_date", "a$b", "café", "x\u00a0y", "END");
    assertThat(types("1.5e3 0x1F .5 1abc")).containsOnly(Token.Type.NUMBER);
  }

  @Test
  void parametersAreNotWords() {
    assertThat(types("? ?12 :end @begin $case")).containsOnly(Token.Type.VARIABLE);
    assertThat(texts("?12 :end")).containsExactly("?12", ":end");
  }

  @Test
  void parameterSuffixesAreReadAsSqliteReadsThem() {
    // tokenize.c: after $, :, @ or # and one identifier character, "(" runs to the first
    // whitespace or ")", quotes included; "::" continues the name.
    String sql = "SELECT $a(') AS h, file FROM pragma_database_list --'";
    assertThat(texts(sql))
        .containsExactly("SELECT", "$a(')", "AS", "h", ",", "file", "FROM", "pragma_database_list");
    assertThat(texts(":a(x;y) @b(\"q) #c(1) $ns::v $x( y"))
        .containsExactly(":a(x;y)", "@b(\"q)", "#c(1)", "$ns::v", "$x(", "y");
    assertThat(types("#c(1) $ns::v")).containsOnly(Token.Type.VARIABLE);
    // No identifier character first: the parenthesis is not part of the parameter.
    assertThat(texts("$(a)")).containsExactly("$", "(", "a", ")");
  }

  @Test
  void keywordsMatchWholeBareWordsIgnoringAsciiCase() {
    String sql = "End END_X \"END\" eNd";
    List<Token> tokens = Tokenizer.tokenize(sql);
    assertThat(tokens.stream().map(t -> t.is(sql, "END")))
        .containsExactly(true, false, false, true);
  }

  @Test
  void anIncompleteTextHoldsBackWhatMoreTextCouldExtend() {
    // Each of these could continue in the next characters, so nothing is certain yet.
    for (String pending :
        List.of("SEL", "'a", "'a'", "\"a\"", "[a", "-", "/", "/* a", "-- a", " ")) {
      assertThat(Tokenizer.next("SELECT " + pending, 6, false)).as(pending).isNull();
    }
    // A closed quote followed by something else is certain.
    Token t = Tokenizer.next("SELECT 'a' ", 6, false);
    assertThat(t.text("SELECT 'a' ")).isEqualTo("'a'");
    assertThat(Tokenizer.next("SELECT 'a'' ", 6, false)).isNull();
  }
}
