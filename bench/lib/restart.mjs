// The restart workload's HTTP side (bench/restart): fills many databases with history, runs a
// write load until the server is killed, and after the restart times the first successful query
// and write. Every figure goes to stdout as one JSON line the script records.
// Usage: node restart.mjs COMMAND ARGS...   (see the switch at the bottom)
import { readFileSync, writeFileSync } from "node:fs";

const env = process.env;
const api = `${env.BENCH_BASE}/client/v4/accounts/${env.BENCH_ACCOUNT}/d1/database`;
const headers = { Authorization: `Bearer ${env.BENCH_TOKEN}`, "Content-Type": "application/json" };

async function call(method, path, body) {
  const r = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json();
  if (!j.success) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(j.errors)}`);
  return j.result;
}

/** Runs WORK(i) for i in 0..n-1, CONC at a time. */
async function each(n, conc, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

/**
 * Creates N databases, each with a table, then commits ROW_KB of random bytes per commit until
 * the databases hold about MB megabytes of history in all (COMMITS per database). Writes the
 * databases' ids, one a line, to IDS_FILE.
 */
async function fill(n, mb, rowKb, idsFile) {
  const ids = new Array(n);
  await each(n, 16, async (i) => {
    ids[i] = (await call("POST", "", { name: `restart-${i}` })).uuid;
    await call("POST", `/${ids[i]}/query`, { sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)" });
  });
  writeFileSync(idsFile, ids.join("\n") + "\n");
  // Each commit inserts one row of ROW_KB and deletes the oldest, so the file stays small and the
  // history grows by about ROW_KB (and the pages it touches) per commit.
  const commits = Math.max(1, Math.round((mb * 1024) / rowKb / n));
  await each(n * commits, 16, async (k) => {
    const id = ids[k % n];
    await call("POST", `/${id}/query`, {
      sql: `INSERT INTO t(b) VALUES (randomblob(${rowKb * 1024})); DELETE FROM t WHERE id <= (SELECT max(id) FROM t) - 4`,
    });
  });
  return { databases: n, commits_per_database: commits };
}

/**
 * Writes to every database in turn, CONC requests at a time, until the server stops answering (it
 * is killed); then writes to INFLIGHT_FILE the databases that had a write in flight at the first
 * failure.
 */
async function load(idsFile, conc, inflightFile) {
  const ids = readFileSync(idsFile, "utf8").trim().split("\n");
  const inflight = new Set();
  let acknowledged = 0;
  let stopped = false;
  let k = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (!stopped) {
        const id = ids[k++ % ids.length];
        inflight.add(id);
        try {
          await call("POST", `/${id}/query`, { sql: "INSERT INTO t(b) VALUES (randomblob(2048))" });
          acknowledged++;
          inflight.delete(id);
        } catch {
          if (!stopped) {
            stopped = true;
            writeFileSync(inflightFile, [...inflight].join("\n") + "\n");
          }
        }
      }
    }),
  );
  return { acknowledged, in_flight_at_kill: inflight.size };
}

/**
 * After the restart was spawned at START_MS (epoch ms): retries a read of one database until it
 * succeeds, then a write on a database whose write was in flight at the kill; then reads every
 * database once (16 at a time). Times are from the spawn.
 */
async function after(idsFile, inflightFile, startMs) {
  const ids = readFileSync(idsFile, "utf8").trim().split("\n");
  const inflight = readFileSync(inflightFile, "utf8").trim().split("\n").filter(Boolean);
  const since = () => (Date.now() - startMs) / 1000;
  const retry = async (what) => {
    for (;;) {
      try {
        return await what();
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const readId = ids[Math.floor(ids.length / 2)];
  await retry(() => call("POST", `/${readId}/query`, { sql: "SELECT count(*) AS n FROM t" }));
  const firstQuery = since();
  const writeId = inflight[0] ?? ids[0];
  await retry(() => call("POST", `/${writeId}/query`, { sql: "INSERT INTO t(b) VALUES (x'00')" }));
  const firstWrite = since();
  const t0 = Date.now();
  await each(ids.length, 16, async (i) => {
    await call("POST", `/${ids[i]}/query`, { sql: "SELECT count(*) AS n FROM t" });
  });
  return {
    first_query_s: firstQuery,
    first_write_s: firstWrite,
    every_database_read_s: (Date.now() - t0) / 1000,
  };
}

const [cmd, ...a] = process.argv.slice(2);
let result;
switch (cmd) {
  case "fill": // fill N MB ROW_KB IDS_FILE
    result = await fill(Number(a[0]), Number(a[1]), Number(a[2]), a[3]);
    break;
  case "load": // load IDS_FILE CONC INFLIGHT_FILE
    result = await load(a[0], Number(a[1]), a[2]);
    break;
  case "after": // after IDS_FILE INFLIGHT_FILE START_MS
    result = await after(a[0], a[1], Number(a[2]));
    break;
  default:
    throw new Error(`unknown command ${cmd}`);
}
console.log(JSON.stringify(result));
