package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.core.SqlCompat;
import dev.opend1.sql.SqlRules;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementKind;
import dev.opend1.sql.StatementSplitter;
import dev.opend1.sql.TextMemo;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's statements, split and checked before any of them runs, and where they must run: a
 * request with any statement that writes goes to the writer, every other one starts on a reader.
 * What a statement's tokens alone decide is refused here, before anything runs ({@link
 * SqlRules#refusal}: transaction control, ATTACH, VACUUM, PRAGMAs outside D1's rules, reserved
 * names, TEMP objects, virtual-table modules); what it reaches once SQLite compiles it is checked
 * by {@link Confinement} just before it runs.
 */
final class QueryPlan {

  /**
   * One statement with its parameters. A prelude is a statement before the last one of a
   * several-statement {@code sql} string: like workerd's multi-statement prepare, it runs without
   * parameters and may not have any ({@link D1Texts#PRELUDE_PARAMETERS}).
   */
  record Step(SqlStatement statement, List<Object> params, boolean prelude) {}

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

  /** Texts kept split and checked, per dialect: at most this many of each. */
  static final int MEMO_TEXTS = 1024;

  /** Texts longer than this are split and checked on every request. */
  static final int MEMO_CHARS = 4096;

  /**
   * Each dialect's recent texts, split and checked: a point read sends the same text every time,
   * and splitting it was a good part of the request's own work. A refused text is not kept.
   */
  private static final Map<SqlCompat, TextMemo<List<SqlStatement>>> MEMOS = memos();

  private static Map<SqlCompat, TextMemo<List<SqlStatement>>> memos() {
    Map<SqlCompat, TextMemo<List<SqlStatement>>> m = new EnumMap<>(SqlCompat.class);
    for (SqlCompat c : SqlCompat.values()) {
      m.put(c, new TextMemo<>(MEMO_TEXTS, MEMO_CHARS));
    }
    return m;
  }

  /**
   * Splits and checks a request. A {@code sql} string with several statements binds {@code params}
   * to its last statement, as D1 does (workerd {@code SqliteDatabase::prepareSql}, MULTI).
   *
   * @throws D1Exception.SqlFailed for no statements or a refused one
   */
  static QueryPlan of(List<QueryInput> inputs, SqlCompat compat) {
    if (inputs.isEmpty()) {
      throw new D1Exception.SqlFailed(D1Texts.NO_STATEMENTS);
    }
    List<Step> steps = new ArrayList<>();
    // A batch often repeats one SQL text (1,000 INSERTs with other parameters): each distinct
    // text is looked up once. Bounded by the request, which QueryBounds bounds.
    Map<String, List<SqlStatement>> checked = new HashMap<>();
    for (QueryInput in : inputs) {
      List<SqlStatement> statements = checked.get(in.sql());
      if (statements == null) {
        statements = MEMOS.get(compat).get(in.sql(), sql -> checkedStatements(sql, compat));
        checked.put(in.sql(), statements);
      }
      for (int i = 0; i < statements.size(); i++) {
        SqlStatement s = statements.get(i);
        boolean last = i == statements.size() - 1;
        steps.add(new Step(s, last ? in.params() : List.of(), !last));
      }
    }
    return new QueryPlan(List.copyOf(steps));
  }

  /** One {@code sql} string's statements, each refused here if its tokens alone decide so. */
  private static List<SqlStatement> checkedStatements(String sql, SqlCompat compat) {
    List<SqlStatement> statements = StatementSplitter.split(sql);
    if (statements.isEmpty()) {
      throw new D1Exception.SqlFailed(D1Texts.EMPTY_SQL);
    }
    for (SqlStatement s : statements) {
      Confinement.refuseByText(s, compat);
    }
    return statements;
  }
}
