// The benchmark's HTTP operations other than wrk's steady loads: setting up the databases,
// export, import, restore and the many-databases run. bench/run calls it; every measurement is
// appended to the CSV named by BENCH_CSV as "workload,side,rep,metric,value,unit".
// Usage: node ops.mjs COMMAND ARGS...   (see the switch at the bottom)
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
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
 * The phases of an export or import, timed in the same run: each phase's wall clock, the server's
 * CPU in it (utime + stime of BENCH_SERVER_PID, in clock ticks of BENCH_CLK_TCK per second, when
 * bench/run names the server) and this client's own CPU in it (process.cpuUsage: Node's main
 * thread and its workers, the file reads and writes included).
 */
function serverCpu() {
  if (!env.BENCH_SERVER_PID) return NaN;
  const f = readFileSync(`/proc/${env.BENCH_SERVER_PID}/stat`, "utf8");
  const after = f.slice(f.lastIndexOf(")") + 2).split(" "); // field 3 onwards; utime is field 14
  return (Number(after[11]) + Number(after[12])) / Number(env.BENCH_CLK_TCK ?? 100);
}
function phase() {
  const t = performance.now();
  const server = serverCpu();
  const client = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(client);
    return { seconds: (performance.now() - t) / 1000, server: serverCpu() - server, client: (c.user + c.system) / 1e6 };
  };
}
function recordPhase(workload, side, rep, name, p) {
  record(workload, side, rep, `${name}_seconds`, p.seconds.toFixed(3), "s");
  if (!Number.isNaN(p.server)) record(workload, side, rep, `${name}_server_cpu`, p.server.toFixed(2), "s");
  if (p.client !== undefined) record(workload, side, rep, `${name}_client_cpu`, p.client.toFixed(2), "s");
}

/** Downloads URL to FILE with Node's fetch (as wrangler does): the phase's figures. */
async function download(url, file) {
  const end = phase();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`export download: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body), createWriteStream(file));
  return end();
}

/**
 * Export to a file: from the first export call until the dump is on disk, in two phases: the dump
 * (until the poll that answers with the signed URL) and the download. A row is written first (not
 * timed), so every call dumps a new state: an export of a state already exported answers from the
 * finished file, and would time the download alone.
 */
async function exportDb(uuid, file) {
  await post(`/${uuid}/query`, { sql: "INSERT INTO log(v) VALUES ('export')" });
  const t0 = performance.now();
  const endDump = phase();
  let r = await post(`/${uuid}/export`, { output_format: "polling" });
  while (r.status !== "complete") {
    if (r.status === "error") throw new Error(`export: ${r.error}`);
    r = await post(`/${uuid}/export`, { output_format: "polling", current_bookmark: r.at_bookmark });
  }
  const dump = endDump();
  const got = await download(r.result.signed_url, file);
  return { seconds: (performance.now() - t0) / 1000, dump, download: got, url: r.result.signed_url };
}

/**
 * The finished dump's download alone, twice in the same run: Node's fetch (the client's cost) and
 * curl (the floor: a client that writes the socket's bytes to the file and little else). curl's
 * CPU is its own user + sys, from bash's `time`.
 */
async function downloadAlone(url, file, rep) {
  const size = statSync(file).size;
  const node = await download(url, `${file}.node`);
  if (statSync(`${file}.node`).size !== size) throw new Error("download alone: Node's copy differs in size");
  recordPhase("export", "node-fetch", rep, "download", node);
  const server = serverCpu();
  const t = spawnSync("bash", ["-c", 'TIMEFORMAT="%3R %3U %3S"; time curl -sSf -o "$1" "$2"', "curl", `${file}.curl`, url], { encoding: "utf8" });
  if (t.status !== 0) throw new Error(`curl download: ${t.stderr}`);
  if (statSync(`${file}.curl`).size !== size) throw new Error("download alone: curl's copy differs in size");
  const [real, user, sys] = t.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  recordPhase("export", "curl", rep, "download", { seconds: real, server: serverCpu() - server, client: user + sys });
  return { node: node.seconds, curl: real };
}

async function md5(file) {
  const h = createHash("md5");
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest("hex");
}

/**
 * Import a dump into a new database: from init to the poll that says complete (upload included),
 * in two phases: the upload (init and the PUT of the body) and the ingest (until complete).
 */
async function importDb(file) {
  const etag = await md5(file); // a client computes it before it starts; not timed
  const uuid = await createDb(`import-${Date.now()}`);
  const t0 = performance.now();
  const endUpload = phase();
  const init = await post(`/${uuid}/import`, { action: "init", etag });
  // A new database each time, so init always asks for the upload (never finds it already there).
  if (!init.upload_url) throw new Error("import: init found the dump already uploaded; the upload would not be timed");
  const put = await fetch(init.upload_url, {
    method: "PUT",
    body: createReadStream(file),
    duplex: "half",
    headers: { "Content-Length": String(statSync(file).size) },
  });
  if (!put.ok) throw new Error(`import upload: HTTP ${put.status}`);
  await put.arrayBuffer();
  const upload = endUpload();
  const endIngest = phase();
  let s = await post(`/${uuid}/import`, { action: "ingest", etag, filename: init.filename });
  while (s.status !== "complete") {
    if (s.status === "error" || s.success === false) throw new Error(`import: ${s.error ?? JSON.stringify(s)}`);
    s = await post(`/${uuid}/import`, { action: "poll", current_bookmark: s.at_bookmark });
  }
  return { uuid, seconds: (performance.now() - t0) / 1000, upload, ingest: endIngest() };
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
  case "export": { // export UUID FILE REP [--download-alone]
    const e = await exportDb(a[0], a[1]);
    record("export", "opend1", a[2], "seconds", e.seconds.toFixed(3), "s");
    recordPhase("export", "opend1", a[2], "dump", e.dump);
    recordPhase("export", "opend1", a[2], "download", e.download);
    console.error(
      `  export opend1 #${a[2]}: ${e.seconds.toFixed(2)} s (dump ${e.dump.seconds.toFixed(2)} s, download ${e.download.seconds.toFixed(2)} s), ${(statSync(a[1]).size / 1e6).toFixed(0)} MB`,
    );
    if (a[3] === "--download-alone") {
      const d = await downloadAlone(e.url, a[1], a[2]);
      console.error(`  the same file downloaded alone: Node's fetch ${d.node.toFixed(2)} s, curl ${d.curl.toFixed(2)} s`);
    }
    break;
  }
  case "import": { // import FILE REP
    const { uuid, seconds, upload, ingest } = await importDb(a[0]);
    record("import", "opend1", a[1], "seconds", seconds.toFixed(3), "s");
    recordPhase("import", "opend1", a[1], "upload", upload);
    recordPhase("import", "opend1", a[1], "ingest", ingest);
    console.error(`  import opend1 #${a[1]}: ${seconds.toFixed(2)} s (upload ${upload.seconds.toFixed(2)} s, ingest ${ingest.seconds.toFixed(2)} s)`);
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
