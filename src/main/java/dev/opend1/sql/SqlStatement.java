package dev.opend1.sql;

import java.util.List;
import java.util.Optional;

/**
 * One statement of a SQL text and what its tokens say about it.
 *
 * @param text the statement as written, from its first token to its last: no terminating {@code ;},
 *     no whitespace or comments around it, quotes and inner comments byte for byte
 * @param kind what it does, by its leading keywords
 * @param pragmaName for a PRAGMA, its name in lower case, without a schema prefix
 * @param pragmaAssigns for a PRAGMA, whether it sets a value: {@code x = v} or {@code x(v)}, except
 *     on pragmas whose argument only says what to look at ({@code table_info(t)}, {@code
 *     quick_check(10)}, {@code optimize(0x10002)})
 * @param targetTable the table an INSERT, REPLACE, UPDATE or DELETE writes (also after WITH),
 *     unquoted and without its schema
 * @param namesReservedObject whether a DDL statement gives a name D1 reserves ({@code _cf_...}) to
 *     the object it creates, drops, alters or renames, or to the table an index or trigger is on
 * @param createsTemp whether it creates a TEMP object: {@code CREATE TEMP|TEMPORARY ...} or {@code
 *     CREATE ... temp.name}
 * @param pragmaSchema for a PRAGMA with a schema prefix ({@code main.table_info}), the schema in
 *     lower case
 * @param pragmaValue for a PRAGMA with a value or argument, that value as SQLite reads it
 * @param tableFunctions the names of PRAGMA table-valued functions ({@code pragma_table_info}) and
 *     of the table-valued names that some builds lack ({@code dbstat}) that it uses, lower case
 * @param virtualTableModule for {@code CREATE VIRTUAL TABLE}, the module it uses
 */
public record SqlStatement(
    String text,
    StatementKind kind,
    Optional<String> pragmaName,
    boolean pragmaAssigns,
    Optional<String> targetTable,
    boolean namesReservedObject,
    boolean createsTemp,
    Optional<String> pragmaSchema,
    Optional<String> pragmaValue,
    List<String> tableFunctions,
    Optional<String> virtualTableModule) {

  /**
   * Whether the statement cannot change the database: SELECT, EXPLAIN, or a PRAGMA that only reads
   * (it sets nothing and is not {@code optimize}, which may write statistics). The analytics count
   * these as read queries; a read replica answers a request made only of them.
   */
  public boolean onlyReads() {
    return switch (kind) {
      case SELECT, EXPLAIN -> true;
      case PRAGMA -> !pragmaAssigns && !pragmaName.orElse("").equals("optimize");
      default -> false;
    };
  }

  /**
   * The statement SQLite compiles for this one: its text without a leading {@code EXPLAIN [QUERY
   * PLAN]} (an explained statement is compiled, never run, so its program is the inner one's).
   */
  public String program() {
    if (kind != StatementKind.EXPLAIN) {
      return text;
    }
    List<Token> tokens = Tokenizer.tokenize(text);
    int skip =
        tokens.size() > 2 && tokens.get(1).is(text, "QUERY") && tokens.get(2).is(text, "PLAN")
            ? 3
            : 1;
    return skip < tokens.size() ? text.substring(tokens.get(skip).start()) : text;
  }
}
