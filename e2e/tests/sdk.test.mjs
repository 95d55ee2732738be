// The cloudflare TypeScript SDK 7.3.0, unmodified, against opend1.
import { test } from "node:test";
import assert from "node:assert/strict";
import Cloudflare from "cloudflare";
import { server, opend1, lastLine, uniqueName } from "./harness.mjs";

const client = new Cloudflare({ apiToken: server.token, baseURL: server.api, maxRetries: 0 });
const account_id = server.account;

async function rejects(promise, status, code) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.status, status, String(e));
    assert.equal(e.errors?.[0]?.code, code, JSON.stringify(e.errors));
    return true;
  });
}

test("create answers D1's details", async () => {
  const name = uniqueName("sdk");
  const db = await client.d1.database.create({ account_id, name, primary_location_hint: "weur" });
  assert.equal(db.name, name);
  assert.equal(db.created_in_region, "WEUR");
  assert.equal(db.version, "production");
  assert.deepEqual(db.read_replication, { mode: "disabled" });
  assert.equal(db.jurisdiction, null);
  const eu = await client.d1.database.create({ account_id, name: uniqueName("sdk-eu"), jurisdiction: "eu" });
  assert.equal(eu.jurisdiction, "eu");
});

test("list pages with for await, and filters by name", async () => {
  const prefix = uniqueName("many");
  const made = [];
  for (let i = 0; i < 25; i++) made.push((await client.d1.database.create({ account_id, name: `${prefix}-${i}` })).uuid);
  const seen = [];
  for await (const db of client.d1.database.list({ account_id, per_page: 10 })) seen.push(db.uuid);
  for (const uuid of made) assert.equal(seen.filter((s) => s === uuid).length, 1);
  const filtered = [];
  for await (const db of client.d1.database.list({ account_id, name: prefix.toUpperCase() })) filtered.push(db.name);
  assert.equal(filtered.length, 25);
});

test("get by id, by name and with fields; update, edit, delete", async () => {
  const name = uniqueName("crud");
  const { uuid } = await client.d1.database.create({ account_id, name });
  assert.equal((await client.d1.database.get(uuid, { account_id })).name, name);
  assert.equal((await client.d1.database.get(name, { account_id })).uuid, uuid);
  const picked = await client.d1.database.get(uuid, { account_id, fields: ["uuid", "name"] });
  assert.deepEqual(Object.keys(picked).sort(), ["name", "uuid"]);
  const updated = await client.d1.database.update(uuid, { account_id, read_replication: { mode: "auto" } });
  assert.equal(updated.read_replication.mode, "auto");
  const edited = await client.d1.database.edit(uuid, { account_id, read_replication: { mode: "disabled" } });
  assert.equal(edited.read_replication.mode, "disabled");
  await client.d1.database.delete(uuid, { account_id });
  await rejects(client.d1.database.get(uuid, { account_id }), 404, 7404);
});

test("errors: duplicate, unknown, missing name, bad token, other account, read-only", async () => {
  const name = uniqueName("err");
  const { uuid } = await client.d1.database.create({ account_id, name });
  await rejects(client.d1.database.create({ account_id, name }), 400, 7502);
  await rejects(client.d1.database.get("6f1b0a2e-2f3c-4d5e-8f9a-0b1c2d3e4f50", { account_id }), 404, 7404);
  await rejects(client.d1.database.create({ account_id, name: undefined }), 400, 7400);
  const stranger = new Cloudflare({ apiToken: "not-a-token", baseURL: server.api, maxRetries: 0 });
  await rejects(stranger.d1.database.list({ account_id }), 401, 10000);

  const other = lastLine(opend1(["account", "create"]).stdout);
  const otherToken = lastLine(opend1(["token", "create", "--account", other]).stdout);
  const outsider = new Cloudflare({ apiToken: otherToken, baseURL: server.api, maxRetries: 0 });
  const onExisting = await outsider.d1.database.get(uuid, { account_id }).catch((e) => e);
  const onMissing = await outsider.d1.database.get("6f1b0a2e-2f3c-4d5e-8f9a-0b1c2d3e4f50", { account_id }).catch((e) => e);
  for (const e of [onExisting, onMissing]) {
    assert.equal(e.status, 403);
    assert.equal(e.errors[0].code, 7403);
  }
  assert.deepEqual(onExisting.errors, onMissing.errors);

  const readToken = lastLine(opend1(["token", "create", "--account", account_id, "--read-only"]).stdout);
  const reader = new Cloudflare({ apiToken: readToken, baseURL: server.api, maxRetries: 0 });
  assert.equal((await reader.d1.database.get(uuid, { account_id })).uuid, uuid);
  await rejects(reader.d1.database.create({ account_id, name: uniqueName("ro") }), 403, 10000);
});

test("query and raw, single and batch", async () => {
  const { uuid } = await client.d1.database.create({ account_id, name: uniqueName("sql") });
  await client.d1.database.query(uuid, { account_id, sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)" });
  const inserted = [];
  for await (const r of client.d1.database.query(uuid, { account_id, sql: "INSERT INTO t(v) VALUES (?), (?)", params: ["a", "b"] })) inserted.push(r);
  assert.equal(inserted[0].meta.changes, 2);

  const rows = [];
  for await (const r of client.d1.database.query(uuid, { account_id, sql: "SELECT * FROM t WHERE id > ?", params: ["0"] })) rows.push(r);
  assert.deepEqual(rows[0].results, [{ id: 1, v: "a" }, { id: 2, v: "b" }]);

  const raw = [];
  for await (const r of client.d1.database.raw(uuid, { account_id, sql: "SELECT id, v FROM t ORDER BY id" })) raw.push(r);
  assert.deepEqual(raw[0].results, { columns: ["id", "v"], rows: [[1, "a"], [2, "b"]] });

  const batch = [];
  for await (const r of client.d1.database.query(uuid, {
    account_id,
    batch: [{ sql: "INSERT INTO t(v) VALUES (?)", params: ["c"] }, { sql: "SELECT count(*) AS n FROM t" }],
  })) batch.push(r);
  assert.equal(batch.length, 2);
  assert.equal(batch[1].results[0].n, 3);

  const rawBatch = [];
  for await (const r of client.d1.database.raw(uuid, { account_id, batch: [{ sql: "SELECT 1 AS x" }, { sql: "SELECT 2 AS x" }] })) rawBatch.push(r);
  assert.deepEqual(rawBatch.map((r) => r.results.rows[0][0]), [1, 2]);

  await rejects(client.d1.database.query(uuid, { account_id, sql: "SELECT * FROM nope" }), 400, 7500);
});
