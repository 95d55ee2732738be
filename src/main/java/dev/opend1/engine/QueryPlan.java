package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.core.SqlCompat;
import dev.opend1.sql.SqlRules;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementKind;
import dev.opend1.sql.StatementSplitter;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's statements, split and checked before any of them runs, and where they must run: a
 * request with any statement that writes goes to the writer, every other one starts on a reader.
 * What a statement's tokens alone decide is refused here, before anything runs ({@link
 * SqlRules#refusal}: transaction control, ATTACH, VACUUM, PRAGMAs outside D1's rules, reserved
 * names, TEMP objects, virtual-table modules); what it reaches once SQLite compiles it is checked
 * by {@link Confinement} just before it runs.
 */
final class QueryPlan {

  /** One statement with its parameters. */
  record Step(SqlStatement statement, List<Object> params) {}

  final List<Step> steps;
  final boolean needsWriter;
  final boolean streamable;
  final boolean setsPragmas;
  final boolean createsTemp;
  final boolean mayChangeSchema;

  /**
   * Whether its statements may come from and go back to a connection's {@link StatementCache}: not
   * when the request changes the schema, PRAGMA settings or TEMP objects, which a cached statement
   * could outlive.
   */
  final boolean cacheable;

  private QueryPlan(List<Step> steps) {
    this.steps = steps;
    boolean writer = false;
    boolean stream = true;
    boolean pragmas = false;
    boolean temp = false;
    boolean schema = false;
    for (Step s : steps) {
      SqlStatement st = s.statement();
      StatementKind k = st.kind();
      writer |=
          k == StatementKind.WRITE
              || k == StatementKind.DDL
              || k == StatementKind.ANALYZE
              || k == StatementKind.REINDEX
              || (k == StatementKind.PRAGMA && st.pragmaName().orElse("").equals("optimize"));
      stream &= k == StatementKind.SELECT || k == StatementKind.EXPLAIN;
      pragmas |= k == StatementKind.PRAGMA && st.pragmaAssigns();
      temp |= st.createsTemp();
      schema |= k == StatementKind.DDL || k == StatementKind.OTHER;
    }
    this.needsWriter = writer;
    this.streamable = stream;
    this.setsPragmas = pragmas;
    this.createsTemp = temp;
    this.mayChangeSchema = schema;
    this.cacheable = !schema && !pragmas && !temp;
  }

  /**
   * Splits and checks a request.
   *
   * @throws D1Exception.SqlFailed for no statements or a refused one
   * @throws D1Exception.InvalidRequest for parameters sent with several statements in one string
   */
  static QueryPlan of(List<QueryInput> inputs, SqlCompat compat) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      QueryInput in = inputs.get(i);
      List<SqlStatement> statements = StatementSplitter.split(in.sql());
      if (statements.size() > 1 && !in.params().isEmpty()) {
        throw new D1Exception.InvalidRequest(
            "params cannot be combined with several statements in one sql string ("
                + statements.size()
                + " found"
                + (inputs.size() > 1 ? " in batch item " + i : "")
                + "); send them as a batch, one statement per item");
      }
      for (SqlStatement s : statements) {
        refuseIfConfined(s, compat);
        steps.add(new Step(s, in.params()));
      }
    }
    if (steps.isEmpty()) {
      throw new D1Exception.SqlFailed("No SQL statements detected.");
    }
    return new QueryPlan(List.copyOf(steps));
  }

  private static void refuseIfConfined(SqlStatement s, SqlCompat compat) {
    String refusal = SqlRules.refusal(s, compat);
    if (refusal != null) {
      throw new D1Exception.SqlFailed(refusal);
    }
  }
}
