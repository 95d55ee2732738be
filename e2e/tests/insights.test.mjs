// wrangler 4.164.0, unmodified, against opend1's analytics: `d1 info` shows the real query counts
// of the last day, and `d1 insights` lists the statements by their shape, slowest first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { server, wrangler, uniqueName, createDatabase, call } from "./harness.mjs";

function ok(r) {
  assert.equal(r.status, 0, String(r));
  return r;
}

test("wrangler d1 info and d1 insights show the queries that ran", async () => {
  const name = uniqueName("insights");
  const uuid = await createDatabase(name);
  const query = async (sql) => {
    const r = await call("POST", `/accounts/${server.account}/d1/database/${uuid}/query`, { body: { sql } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  // Four write queries (three rows written), then six read queries, one of them slow.
  await query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  for (let i = 0; i < 3; i++) await query(`INSERT INTO t (v) VALUES ('value ${i}')`);
  for (let i = 0; i < 5; i++) await query(`SELECT * FROM t WHERE id = ${i}`);
  await query(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000) SELECT count(*) FROM n",
  );

  const info = ok(wrangler(["d1", "info", name, "--json"])).json();
  assert.equal(info.read_queries_24h, 6, JSON.stringify(info));
  assert.equal(info.write_queries_24h, 4, JSON.stringify(info));
  assert.equal(info.rows_written_24h, 3, JSON.stringify(info));

  const insights = ok(wrangler(["d1", "insights", name, "--json"])).json();
  assert.ok(insights.length >= 3, JSON.stringify(insights));
  // Literals are replaced by ?, as in every shape.
  assert.equal(
    insights[0].query,
    "WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + ? FROM n WHERE i < ?) SELECT count(*) FROM n",
  );
  const lookups = insights.find((r) => r.query === "SELECT * FROM t WHERE id = ?");
  assert.ok(lookups, JSON.stringify(insights));
  assert.equal(lookups.numberOfTimesRun, 5);
  const inserts = insights.find((r) => r.query === "INSERT INTO t (v) VALUES (?)");
  assert.equal(inserts.totalRowsWritten, 3);
  for (let i = 1; i < insights.length; i++) {
    assert.ok(insights[i - 1].totalDurationMs >= insights[i].totalDurationMs, JSON.stringify(insights));
  }

  const byCount = ok(wrangler(["d1", "insights", name, "--json", "--sort-by", "count", "--limit", "1"])).json();
  assert.deepEqual(byCount.map((r) => r.query), ["SELECT * FROM t WHERE id = ?"]);
});
