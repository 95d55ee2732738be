package dev.opend1.engine;

import dev.opend1.sql.StatementKind;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;

/**
 * A read request of one {@code SELECT} whose verdict and prepared statement the connection has
 * cached, run in SQLite's own transaction for the statement (autocommit) instead of between {@code
 * BEGIN} and {@code COMMIT}, its rows stepped natively: the explicit transaction's two extra steps
 * and JDBC's result set were about a tenth of a point read's work.
 *
 * <p>Why it stays exact: the cache holds what was found at one schema version ({@link
 * StatementCache}), so the statement may answer only if its snapshot has that version. The version
 * is read after the statement's first step, while the statement's own read transaction is still
 * open (or, when that step ended it, just after: the version only grows while a connection is open,
 * so a later read that still finds the cache's version means the snapshot had it too). On any other
 * version the step's outcome, a row or an error, is thrown away unseen and the request runs the
 * usual way ({@link QueryRunner}), which reads the new schema, checks the text again and prepares
 * it again. Nothing reaches the sink before that check. SQLite may have re-prepared the statement
 * for the new schema in that first step and run it on the read-only connection: nothing it read is
 * used. A statement that reads whole tables is not run here: its {@code rows_read} needs their
 * sizes from the same snapshot, read before it runs.
 */
final class SingleRead {

  private SingleRead() {}

  /**
   * Runs {@code plan} if it is one cached read. Returns false, having given the sink nothing and
   * left no transaction open, when the request has to run the usual way.
   */
  static boolean tryRun(DatabaseHandle h, SqlConnection c, QueryPlan plan, ResultSink sink)
      throws SQLException, IOException {
    if (!plan.cacheable || plan.steps.size() != 1) {
      return false;
    }
    QueryPlan.Step step = plan.steps.get(0);
    if (step.statement().kind() != StatementKind.SELECT) {
      return false;
    }
    String sql = step.statement().text();
    StatementCache cache = c.statements();
    StatementShape shape = cache.cleared(sql);
    if (shape == null || shape.reads().readsWholeTrees()) {
      return false;
    }
    StatementCache.Entry st = cache.take(sql);
    if (st == null) {
      return false;
    }
    if (st.parameters() != step.params().size()) {
      cache.give(sql, st); // the usual way refuses it with D1's message
      return false;
    }
    // As QueryRunner.runAll does: the writer's last_insert_rowid() as the request starts.
    QueryRunner.Carried carried = new QueryRunner.Carried(h.lastRowId, c.totalChanges());
    long start = System.nanoTime();
    c.rowCounter().reset();
    boolean clean = false;
    try {
      QueryRunner.bind(st.statement(), step.params());
      boolean onRow;
      try {
        onRow = st.statement().execute();
      } catch (SQLException e) {
        if (!cache.isFor(c.schemaCookie())) {
          return false;
        }
        throw e;
      }
      if (!cache.isFor(c.schemaCookie())) {
        return false; // the statement, closed below, ends its transaction
      }
      String[] columns = st.columns();
      sink.statementStart(columns);
      long rowsReturned = 0;
      if (onRow && columns.length > 0) {
        NativeRow row = new NativeRow(st.statement(), columns.length);
        do {
          row.read();
          sink.row(row);
          rowsReturned++;
        } while (row.next());
      } else if (onRow) {
        new NativeRow(st.statement(), 0).reset(); // a row of no columns: nothing to answer
      }
      clean = true;
      QueryRunner.statementEnd(h, c, step, shape, start, rowsReturned, Map.of(), sink, carried);
      return true;
    } finally {
      if (clean) {
        cache.give(sql, st);
      } else {
        st.statement().close();
      }
    }
  }
}
