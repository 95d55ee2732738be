package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.sql.PragmaPolicy;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementKind;
import dev.opend1.sql.StatementSplitter;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's statements, split and checked before any of them runs, and where they must run: a
 * request with any statement that writes goes to the writer, every other one starts on a reader.
 * What a user's SQL may not do is refused here, by the statement's leading keywords: transaction
 * control, {@code ATTACH}/{@code DETACH}, {@code VACUUM}, PRAGMAs outside D1's allow-list, and D1's
 * reserved {@code _cf_} tables.
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
  static QueryPlan of(List<QueryInput> inputs) {
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
        refuseIfConfined(s);
        steps.add(new Step(s, in.params()));
      }
    }
    if (steps.isEmpty()) {
      throw new D1Exception.SqlFailed("No SQL statements detected.");
    }
    return new QueryPlan(List.copyOf(steps));
  }

  private static void refuseIfConfined(SqlStatement s) {
    String refusal =
        switch (s.kind()) {
          case TRANSACTION ->
              "Transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not"
                  + " allowed: every request already runs as one transaction";
          case ATTACH -> "ATTACH and DETACH are not allowed";
          case VACUUM -> "VACUUM is not allowed: it cannot run inside a request's transaction";
          case PRAGMA -> PragmaPolicy.refusal(s);
          default -> null;
        };
    if (refusal == null && s.touchesReservedTable()) {
      refusal = "access to tables whose names start with _cf_ is not allowed (reserved by D1)";
    }
    if (refusal == null && s.refusedPragmaFunction().isPresent()) {
      refusal = PragmaPolicy.functionRefusal(s.refusedPragmaFunction().get());
    }
    if (refusal != null) {
      throw new D1Exception.SqlFailed("not authorized: " + refusal + ": SQLITE_AUTH");
    }
  }
}
