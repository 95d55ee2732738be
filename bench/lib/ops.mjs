// The benchmark's HTTP operations other than wrk's steady loads: setting up the databases,
// export, import, restore and the many-databases run. bench/run calls it; every measurement is
// appended to the CSV named by BENCH_CSV as "workload,side,rep,metric,value,unit".
// Usage: node ops.mjs COMMAND ARGS...   (see the switch at the bottom)
import { createHash } from "node:crypto";
import { appendFileSync, createReadStream, createWriteStream, readFileSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

const env = process.env;
const api = `${env.BENCH_BASE}/client/v4/accounts/${env.BENCH_ACCOUNT}/d1/database`;
const headers = { Authorization: `Bearer ${env.BENCH_TOKEN}`, "Content-Type": "application/json" };

function record(workload, side, rep, metric, value, unit) {
  appendFileSync(env.BENCH_CSV, `${workload},${side},${rep},${metric},${value},${unit}\n`);
}

async function call(method, path, body) {
  const r = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json();
  if (!j.success) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(j.errors)}`);
  return j.result;
}
const post = (path, body) => call("POST", path, body);

/** Posts a /query body to opend1 (uuid given) or to the Miniflare Worker (url given). */
async function query(target, body) {
  if (target.startsWith("http")) {
    const r = await fetch(target, { method: "POST", headers, body: JSON.stringify(body) });
    const j = await r.json();
    if (!j.success) throw new Error(`peer: ${JSON.stringify(j.errors)}`);
    return j.result;
  }
  return post(`/${target}/query`, body);
}

const schema = readFileSync(new URL("./schema.sql", import.meta.url), "utf8")
  .replace(/^--.*$/gm, "")
  .split(";")
  .map((s) => s.trim())
  .filter((s) => s && !s.startsWith("--"));

/** Creates the schema and rows every steady workload uses (same statements as the JMH side). */
async function setup(target, rows, bigRows) {
  for (const sql of schema) {
    await query(target, { sql: sql.replaceAll("$ROWS", String(rows)).replaceAll("$BIGROWS", String(bigRows)) });
  }
  const [point] = await query(target, { sql: "SELECT * FROM kv WHERE id = ?", params: [rows] });
  if (point.results.length !== 1) throw new Error(`setup: point read found ${point.results.length} rows`);
  const [big] = await query(target, { sql: "SELECT count(*) AS n, sum(length(v)) AS bytes FROM big" });
  return big.results[0];
}

async function createDb(name) {
  return (await post("", { name })).uuid;
}

/** Fills a new database with about MB megabytes of rows in 10 MB INSERT ... SELECT commits. */
async function bigDb(mb) {
  const uuid = await createDb(`transfer-${Date.now()}`);
  await post(`/${uuid}/query`, { sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)" });
  await post(`/${uuid}/query`, { sql: "CREATE TABLE log(id INTEGER PRIMARY KEY, v TEXT)" });
  const perChunk = 12_500; // rows of ~800 bytes: ~10 MB
  for (let done = 0; done * 800 < mb * 1e6; done += perChunk) {
    await post(`/${uuid}/query`, {
      sql: `INSERT INTO t(v, b) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${perChunk}) SELECT hex(randomblob(200)), randomblob(400) FROM c`,
    });
  }
  const info = await call("GET", `/${uuid}`);
  return { uuid, bytes: info.file_size };
}

/**
 * Export to a file: from the first export call until the dump is on disk. A row is written first
 * (not timed), so every call dumps a new state: an export of a state already exported answers
 * from the finished file, and would time the download alone.
 */
async function exportDb(uuid, file) {
  await post(`/${uuid}/query`, { sql: "INSERT INTO log(v) VALUES ('export')" });
  const t0 = performance.now();
  let r = await post(`/${uuid}/export`, { output_format: "polling" });
  while (r.status !== "complete") {
    if (r.status === "error") throw new Error(`export: ${r.error}`);
    r = await post(`/${uuid}/export`, { output_format: "polling", current_bookmark: r.at_bookmark });
  }
  const res = await fetch(r.result.signed_url);
  if (!res.ok) throw new Error(`export download: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body), createWriteStream(file));
  return (performance.now() - t0) / 1000;
}

async function md5(file) {
  const h = createHash("md5");
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest("hex");
}

/** Import a dump into a new database: from init to the poll that says complete (upload included). */
async function importDb(file) {
  const etag = await md5(file); // a client computes it before it starts; not timed
  const uuid = await createDb(`import-${Date.now()}`);
  const t0 = performance.now();
  const init = await post(`/${uuid}/import`, { action: "init", etag });
  let s;
  if (init.upload_url) {
    const put = await fetch(init.upload_url, {
      method: "PUT",
      body: createReadStream(file),
      duplex: "half",
      headers: { "Content-Length": String(statSync(file).size) },
    });
    if (!put.ok) throw new Error(`import upload: HTTP ${put.status}`);
    s = await post(`/${uuid}/import`, { action: "ingest", etag, filename: init.filename });
  } else {
    s = init;
  }
  while (s.status !== "complete") {
    if (s.status === "error" || s.success === false) throw new Error(`import: ${s.error ?? JSON.stringify(s)}`);
    s = await post(`/${uuid}/import`, { action: "poll", current_bookmark: s.at_bookmark });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { uuid, seconds };
}

/**
 * Takes a bookmark, makes COMMITS single-row commits (16 at a time), then restores to the
 * bookmark: the time until the restore call answers, and until a read then sees the old state.
 */
async function restore(uuid, commits) {
  const count = async () => (await post(`/${uuid}/query`, { sql: "SELECT count(*) AS n FROM log" }))[0].results[0].n;
  const before = await count();
  const { bookmark } = await call("GET", `/${uuid}/time_travel/bookmark`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < commits) await post(`/${uuid}/query`, { sql: "INSERT INTO log(v) VALUES ('after')" });
    }),
  );
  const after = await count();
  if (after !== before + commits) throw new Error(`restore: ${after} rows after ${commits} commits on ${before}`);
  const t0 = performance.now();
  await post(`/${uuid}/time_travel/restore?bookmark=${encodeURIComponent(bookmark)}`);
  const answered = (performance.now() - t0) / 1000;
  const seen = await count();
  const read = (performance.now() - t0) / 1000;
  if (seen !== before) throw new Error(`restore: a read after the restore saw ${seen} rows, not ${before}`);
  return { answered, read };
}

/** Creates N databases and queries each once (CONC requests at a time). */
async function manyDbs(n, conc) {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) {
        const i = next++;
        const uuid = await createDb(`many-${i}`);
        const [r] = await post(`/${uuid}/query`, { sql: "SELECT ? AS i", params: [i] });
        if (r.results[0].i !== i) throw new Error(`many: database ${i} answered ${JSON.stringify(r.results)}`);
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

const [cmd, ...a] = process.argv.slice(2);
switch (cmd) {
  case "setup": { // setup NAME ROWS BIGROWS -> prints the uuid
    const uuid = await createDb(a[0]);
    const big = await setup(uuid, Number(a[1]), Number(a[2]));
    console.error(`setup: opend1 database ${uuid}, big table ${big.n} rows, ${big.bytes} bytes of text`);
    console.log(uuid);
    break;
  }
  case "setup-peer": { // setup-peer URL ROWS BIGROWS
    const big = await setup(a[0], Number(a[1]), Number(a[2]));
    console.error(`setup: peer, big table ${big.n} rows, ${big.bytes} bytes of text`);
    break;
  }
  case "record-wrk": { // record-wrk WORKLOAD SIDE REP < wrk output
    const out = readFileSync(0, "utf8");
    const line = out.split("\n").find((l) => l.startsWith("BENCH "));
    if (!line) throw new Error(`wrk printed no result:\n${out}`);
    const r = JSON.parse(line.slice(6));
    // A warm-up part may end before its first slow request does; a measured run may not.
    if (r.errors > 0 || (r.requests === 0 && a[0] !== "warmup")) throw new Error(`${a[0]} ${a[1]}: ${r.errors} errors in ${r.requests} requests:\n${out}`);
    record(a[0], a[1], a[2], "throughput", r.rps.toFixed(1), "req/s");
    for (const p of ["p50", "p90", "p99", "p999", "max"]) record(a[0], a[1], a[2], p, r[`${p}_ms`].toFixed(3), "ms");
    console.error(`  ${a[0]} ${a[1]} #${a[2]}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50_ms.toFixed(2)} ms, p99 ${r.p99_ms.toFixed(2)} ms`);
    break;
  }
  case "record-jmh": { // record-jmh WORKLOAD SIDE REP JMH_JSON
    const [r] = JSON.parse(readFileSync(a[3], "utf8"));
    const score = r.primaryMetric.score;
    record(a[0], a[1], a[2], "throughput", score.toFixed(1), "req/s");
    console.error(`  ${a[0]} ${a[1]} #${a[2]}: ${score.toFixed(0)} ops/s (${r.threads} threads)`);
    break;
  }
  case "record": // record WORKLOAD SIDE REP METRIC VALUE UNIT
    record(...a);
    break;
  case "bigdb": { // bigdb MB -> prints "uuid bytes"
    const { uuid, bytes } = await bigDb(Number(a[0]));
    console.log(`${uuid} ${bytes}`);
    break;
  }
  case "export": { // export UUID FILE REP
    const s = await exportDb(a[0], a[1]);
    record("export", "opend1", a[2], "seconds", s.toFixed(3), "s");
    console.error(`  export opend1 #${a[2]}: ${s.toFixed(2)} s, ${(statSync(a[1]).size / 1e6).toFixed(0)} MB`);
    break;
  }
  case "import": { // import FILE REP
    const { uuid, seconds } = await importDb(a[0]);
    record("import", "opend1", a[1], "seconds", seconds.toFixed(3), "s");
    console.error(`  import opend1 #${a[1]}: ${seconds.toFixed(2)} s`);
    await call("DELETE", `/${uuid}`);
    break;
  }
  case "restore": { // restore UUID COMMITS REP
    const { answered, read } = await restore(a[0], Number(a[1]));
    record("restore", "opend1", a[2], "answered", answered.toFixed(3), "s");
    record("restore", "opend1", a[2], "seconds", read.toFixed(3), "s");
    console.error(`  restore #${a[2]}: answered in ${answered.toFixed(2)} s, old state read at ${read.toFixed(2)} s`);
    break;
  }
  case "manydbs": { // manydbs N CONC
    const s = await manyDbs(Number(a[0]), Number(a[1]));
    record("manydbs", "opend1", 1, "seconds", s.toFixed(1), "s");
    console.error(`  ${a[0]} databases created and queried in ${s.toFixed(1)} s`);
    break;
  }
  default:
    throw new Error(`unknown command ${cmd}`);
}
