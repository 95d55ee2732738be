// Export and import through wrangler and the SDK, unmodified.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Cloudflare from "cloudflare";
import { server, wrangler, call, createDatabase, tempDir, uniqueName } from "./harness.mjs";

/** wrangler prints upload progress before the JSON of an import: take the JSON after it. */
function importJson(r) {
  const start = r.stdout.indexOf("\n[");
  return JSON.parse(start >= 0 ? r.stdout.slice(start + 1) : r.stdout);
}

function ok(r) {
  assert.equal(r.status, 0, String(r));
  return r;
}

async function sql(uuid, statement) {
  const r = await call("POST", `/accounts/${server.account}/d1/database/${uuid}/query`, { body: { sql: statement } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.result.at(-1).results;
}

test("wrangler d1 execute --file imports, and d1 export exports with --table, --no-data, --no-schema", async () => {
  const name = uniqueName("xfer");
  const uuid = await createDatabase(name);
  const dir = tempDir("xfer-");
  const file = join(dir, "seed.sql");
  writeFileSync(
    file,
    "CREATE TABLE posts(id INTEGER PRIMARY KEY, title TEXT);\n" +
      "CREATE TABLE tags(name TEXT);\n" +
      "INSERT INTO posts(title) VALUES ('it''s; here'), ('two\nlines');\n" +
      "INSERT INTO tags VALUES ('a');\n",
  );
  const imported = importJson(ok(wrangler(["d1", "execute", name, "--remote", "--file", file, "-y", "--json"])));
  assert.equal(imported[0].results[0]["Total queries executed"], 4);
  assert.deepEqual(await sql(uuid, "SELECT title FROM posts ORDER BY id"), [{ title: "it's; here" }, { title: "two\nlines" }]);

  const out = join(dir, "all.sql");
  ok(wrangler(["d1", "export", name, "--remote", "--output", out, "-y"]));
  const all = readFileSync(out, "utf8");
  assert.match(all, /^PRAGMA defer_foreign_keys=TRUE;/);
  assert.match(all, /CREATE TABLE posts/);
  assert.match(all, /INSERT INTO "posts" \("id","title"\) VALUES\(1,'it''s; here'\);/);

  const onlyPosts = join(dir, "posts.sql");
  ok(wrangler(["d1", "export", name, "--remote", "--output", onlyPosts, "--table", "posts", "--no-data", "-y"]));
  const schema = readFileSync(onlyPosts, "utf8");
  assert.match(schema, /CREATE TABLE posts/);
  assert.doesNotMatch(schema, /INSERT|tags/);

  const dataOnly = join(dir, "data.sql");
  ok(wrangler(["d1", "export", name, "--remote", "--output", dataOnly, "--no-schema", "-y"]));
  assert.doesNotMatch(readFileSync(dataOnly, "utf8"), /CREATE TABLE/);

  // The export imports into a new database and exports identically.
  const copy = uniqueName("copy");
  const copyUuid = await createDatabase(copy);
  ok(wrangler(["d1", "execute", copy, "--remote", "--file", out, "-y", "--json"]));
  const again = join(dir, "again.sql");
  ok(wrangler(["d1", "export", copy, "--remote", "--output", again, "-y"]));
  assert.equal(readFileSync(again, "utf8"), all);
  assert.deepEqual(await sql(copyUuid, "SELECT count(*) AS n FROM posts"), [{ n: 2 }]);

  // As on D1, an import is one transaction already: a file with its own BEGIN TRANSACTION fails
  // (D1's docs: remove BEGIN TRANSACTION and COMMIT), and applies nothing.
  const wrapped = join(dir, "wrapped.sql");
  writeFileSync(wrapped, "BEGIN TRANSACTION;\nINSERT INTO tags VALUES ('w');\nCOMMIT;\n");
  const refused = wrangler(["d1", "execute", name, "--remote", "--file", wrapped, "-y", "--json"]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stdout + refused.stderr, /Statement 1 failed: not authorized: SQLITE_AUTH/);
  assert.deepEqual(await sql(uuid, "SELECT count(*) AS n FROM tags"), [{ n: 1 }]);

  // A failing import applies nothing.
  const bad = join(dir, "bad.sql");
  writeFileSync(bad, "INSERT INTO tags VALUES ('b');\nINSERT INTO nope VALUES (1);\n");
  const failed = wrangler(["d1", "execute", name, "--remote", "--file", bad, "-y", "--json"]);
  assert.notEqual(failed.status, 0);
  assert.match(failed.stdout + failed.stderr, /Statement 2 failed: no such table: nope/);
  assert.deepEqual(await sql(uuid, "SELECT count(*) AS n FROM tags"), [{ n: 1 }]);
});

test("an external-content FTS5 table survives wrangler d1 export then d1 execute --file", async () => {
  // Reported by a real client run: the copy's MATCH found nothing while count(*) said 2.
  const name = uniqueName("fts");
  const uuid = await createDatabase(name);
  await sql(
    uuid,
    "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);\n" +
      "CREATE VIRTUAL TABLE posts_fts USING fts5(body, content='posts', content_rowid='id');\n" +
      "CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN INSERT INTO posts_fts(rowid, body) VALUES (new.id, new.body); END;\n" +
      "INSERT INTO posts(body) VALUES ('hello world'), ('goodbye world')",
  );
  const dir = tempDir("fts-");
  const out = join(dir, "fts.sql");
  ok(wrangler(["d1", "export", name, "--remote", "--output", out, "-y"]));
  assert.match(readFileSync(out, "utf8"), /INSERT INTO "posts_fts"\("posts_fts"\) VALUES\('rebuild'\);/);

  const copy = uniqueName("fts-copy");
  const copyUuid = await createDatabase(copy);
  ok(wrangler(["d1", "execute", copy, "--remote", "--file", out, "-y", "--json"]));
  const match = "SELECT rowid, body FROM posts_fts WHERE posts_fts MATCH 'world' ORDER BY rowid";
  assert.deepEqual(await sql(copyUuid, match), await sql(uuid, match));
  assert.equal((await sql(copyUuid, match)).length, 2);
  await sql(copyUuid, "INSERT INTO posts_fts(posts_fts) VALUES ('integrity-check')");

  // A table that does not exist is an error naming it, not a file holding only the PRAGMA line.
  const missing = wrangler(["d1", "export", name, "--remote", "--output", join(dir, "nope.sql"), "--table", "nope", "-y"]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stdout + missing.stderr, /no such table: nope/);
});

test("the SDK's export and import loops", async () => {
  const client = new Cloudflare({ apiToken: server.token, baseURL: server.api, maxRetries: 0 });
  const account_id = server.account;
  const uuid = await createDatabase(uniqueName("sdk-x"));
  await sql(uuid, "CREATE TABLE t(a, b BLOB); INSERT INTO t VALUES (1, x'00ff'), (2.5, NULL)");

  let r = await client.d1.database.export(uuid, { account_id, output_format: "polling" });
  while (r.status !== "complete") {
    assert.notEqual(r.status, "error", r.error);
    r = await client.d1.database.export(uuid, { account_id, output_format: "polling", current_bookmark: r.at_bookmark });
  }
  const dump = await (await fetch(r.result.signed_url)).text();
  assert.match(dump, /INSERT INTO "t" \("a","b"\) VALUES\(1,X'00ff'\);/);
  // Change the signature's first character to a different one (replacing it with a fixed
  // character would leave it as it was when it already was that character).
  const tampered = r.result.signed_url.replace(/signature=(.)/, (_, c) => `signature=${c === "0" ? "1" : "0"}`);
  assert.equal((await fetch(tampered)).status, 403);

  const target = await createDatabase(uniqueName("sdk-y"));
  const etag = createHash("md5").update(dump).digest("hex");
  const init = await client.d1.database.import(target, { account_id, action: "init", etag });
  const put = await fetch(init.upload_url, { method: "PUT", body: dump });
  assert.equal(put.status, 200);
  assert.equal(put.headers.get("etag").replaceAll('"', ""), etag);
  let s = await client.d1.database.import(target, { account_id, action: "ingest", etag, filename: init.filename });
  while (s.status !== "complete") {
    assert.notEqual(s.status, "error", s.error);
    s = await client.d1.database.import(target, { account_id, action: "poll", current_bookmark: s.at_bookmark });
  }
  assert.equal(s.result.num_queries, 4);
  assert.deepEqual(await sql(target, "SELECT a, b FROM t ORDER BY a"), [{ a: 1, b: [0, 255] }, { a: 2.5, b: null }]);
  const idle = await client.d1.database.import(target, { account_id, action: "poll", current_bookmark: "00000000-00000000-00000000-" + "0".repeat(32) });
  assert.equal(idle.status, "complete", "a job that finished in the last ten minutes is reported");
});
