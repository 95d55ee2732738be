// Time travel through wrangler and the SDK, unmodified.
import { test } from "node:test";
import assert from "node:assert/strict";
import Cloudflare from "cloudflare";
import { server, wrangler, call, createDatabase, uniqueName } from "./harness.mjs";

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

function ok(r) {
  assert.equal(r.status, 0, String(r));
  return r;
}

async function sql(uuid, statement) {
  const r = await call("POST", `/accounts/${server.account}/d1/database/${uuid}/query`, { body: { sql: statement } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.result.at(-1).results;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("wrangler d1 time-travel info and restore, by bookmark and by timestamp", async () => {
  const name = uniqueName("tt");
  const uuid = await createDatabase(name);
  await sql(uuid, "CREATE TABLE t(a); INSERT INTO t VALUES (1)");
  const info = ok(wrangler(["d1", "time-travel", "info", name, "--json"])).json();
  assert.match(info.bookmark, BOOKMARK);

  await sleep(1100);
  const between = new Date().toISOString();
  await sleep(1100);
  await sql(uuid, "INSERT INTO t VALUES (2)");

  const atTime = ok(wrangler(["d1", "time-travel", "info", name, "--timestamp", between, "--json"])).json();
  assert.equal(atTime.bookmark, info.bookmark);

  const restored = ok(wrangler(["d1", "time-travel", "restore", name, "--bookmark", info.bookmark, "--json"])).json();
  assert.match(restored.bookmark, BOOKMARK);
  assert.match(restored.previous_bookmark, BOOKMARK);
  assert.deepEqual(await sql(uuid, "SELECT a FROM t ORDER BY a"), [{ a: 1 }]);

  ok(wrangler(["d1", "time-travel", "restore", name, "--bookmark", restored.previous_bookmark, "--json"]));
  assert.deepEqual(await sql(uuid, "SELECT a FROM t ORDER BY a"), [{ a: 1 }, { a: 2 }]);

  const unix = String(Math.floor(Date.parse(between) / 1000));
  ok(wrangler(["d1", "time-travel", "restore", name, "--timestamp", unix, "--json"]));
  assert.deepEqual(await sql(uuid, "SELECT a FROM t ORDER BY a"), [{ a: 1 }]);
});

test("the SDK's timeTravel.getBookmark and restore", async () => {
  const client = new Cloudflare({ apiToken: server.token, baseURL: server.api, maxRetries: 0 });
  const account_id = server.account;
  const uuid = await createDatabase(uniqueName("sdk-tt"));
  await sql(uuid, "CREATE TABLE t(a); INSERT INTO t VALUES (1)");
  const { bookmark } = await client.d1.database.timeTravel.getBookmark(uuid, { account_id });
  assert.match(bookmark, BOOKMARK);
  await sleep(20);
  const between = new Date().toISOString();
  await sleep(20);
  await sql(uuid, "DELETE FROM t");

  const r = await client.d1.database.timeTravel.restore(uuid, { account_id, bookmark });
  assert.equal(r.message, "Database restored successfully");
  assert.deepEqual(await sql(uuid, "SELECT a FROM t"), [{ a: 1 }]);

  const byTime = await client.d1.database.timeTravel.getBookmark(uuid, { account_id, timestamp: between });
  assert.equal(byTime.bookmark, bookmark);
  const viaTimestamp = await client.d1.database.timeTravel.restore(uuid, { account_id, timestamp: between });
  assert.match(viaTimestamp.previous_bookmark, BOOKMARK);

  await assert.rejects(client.d1.database.timeTravel.restore(uuid, { account_id, bookmark: "garbage" }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.errors[0].code, 7400);
    return true;
  });
});
