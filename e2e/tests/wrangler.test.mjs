// wrangler 4.164.0, unmodified, against opend1: database management and SQL execution.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { server, wrangler, tempDir, uniqueName, createDatabase } from "./harness.mjs";

function ok(r) {
  assert.equal(r.status, 0, String(r));
  return r;
}

function listNames(env) {
  return ok(wrangler(["d1", "list", "--json"], { env })).json().map((d) => d.name);
}

test("wrangler d1 create, list, info and delete", () => {
  const name = uniqueName("wr");
  const created = ok(wrangler(["d1", "create", name, "--location", "weur"]));
  assert.match(created.stdout, new RegExp(name));
  assert.match(created.stdout + created.stderr, /WEUR/);

  assert.ok(listNames().includes(name));

  const info = ok(wrangler(["d1", "info", name, "--json"])).json();
  assert.equal(info.name, name);
  assert.match(info.uuid, /^[0-9a-f-]{36}$/);
  assert.equal(typeof info.num_tables, "number");
  assert.equal(typeof info.database_size, "number");
  assert.equal(info.running_in_region, "WEUR");

  ok(wrangler(["d1", "delete", name, "-y"]));
  assert.ok(!listNames().includes(name));
});

test("wrangler d1 list pages past ten databases", async () => {
  const prefix = uniqueName("page");
  for (let i = 0; i < 12; i++) await createDatabase(`${prefix}-${i}`);
  const names = listNames().filter((n) => n.startsWith(prefix));
  assert.equal(names.length, 12);
  assert.equal(new Set(names).size, 12);
});

test("wrangler d1 create refuses a duplicate name", () => {
  const name = uniqueName("dup");
  ok(wrangler(["d1", "create", name]));
  const again = wrangler(["d1", "create", name]);
  assert.notEqual(again.status, 0);
  assert.match(again.stdout + again.stderr, /already exists/i);
});

test("wrangler discovers the account without CLOUDFLARE_ACCOUNT_ID, and whoami works", () => {
  const names = listNames({ CLOUDFLARE_ACCOUNT_ID: undefined });
  assert.ok(Array.isArray(names));
  const who = ok(wrangler(["whoami"], { env: { CLOUDFLARE_ACCOUNT_ID: undefined } }));
  assert.match(who.stdout, new RegExp(server.account));
});

test("wrangler d1 execute --remote runs several statements and reports errors", () => {
  const name = uniqueName("exec");
  ok(wrangler(["d1", "create", name]));
  const out = ok(
    wrangler([
      "d1", "execute", name, "--remote", "--json", "--command",
      "CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two'); SELECT * FROM t ORDER BY a",
    ]),
  ).json();
  assert.equal(out.length, 3);
  assert.deepEqual(out[2].results, [{ a: 1, b: "one" }, { a: 2, b: "two" }]);
  assert.equal(out[1].meta.changes, 2);
  assert.equal(out[1].success, true);

  const failed = wrangler(["d1", "execute", name, "--remote", "--json", "--command", "SELECT * FROM missing"]);
  assert.notEqual(failed.status, 0);
  const err = JSON.parse(failed.stdout).error;
  assert.equal(err.code, 7500);
  const said = [err.text, ...(err.notes ?? []).map((n) => n.text)].join("\n");
  assert.match(said, /no such table: missing: SQLITE_ERROR \[code: 7500\]/);
});

test("wrangler d1 migrations apply --remote applies two migrations once", () => {
  const name = uniqueName("mig");
  const created = ok(wrangler(["d1", "create", name]));
  const uuid = created.stdout.match(/"database_id": "([0-9a-f-]{36})"/)?.[1]
    ?? ok(wrangler(["d1", "info", name, "--json"])).json().uuid;
  const project = tempDir("mig-");
  writeFileSync(
    join(project, "wrangler.json"),
    JSON.stringify({ name: "w", d1_databases: [{ binding: "DB", database_name: name, database_id: uuid }] }),
  );
  mkdirSync(join(project, "migrations"));
  writeFileSync(join(project, "migrations", "0001_init.sql"), "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n");
  writeFileSync(
    join(project, "migrations", "0002_index.sql"),
    "CREATE UNIQUE INDEX users_email ON users(email);\nINSERT INTO users(email) VALUES ('a@example.com');\n",
  );
  ok(wrangler(["d1", "migrations", "apply", "DB", "--remote"], { cwd: project }));
  const applied = ok(
    wrangler(["d1", "execute", "DB", "--remote", "--json", "--command", "SELECT name FROM d1_migrations ORDER BY id; SELECT count(*) AS n FROM users"], { cwd: project }),
  ).json();
  assert.deepEqual(applied[0].results.map((r) => r.name), ["0001_init.sql", "0002_index.sql"]);
  assert.equal(applied[1].results[0].n, 1);
  const again = ok(wrangler(["d1", "migrations", "apply", "DB", "--remote"], { cwd: project }));
  assert.match(again.stdout + again.stderr, /No migrations to apply/i);
});
