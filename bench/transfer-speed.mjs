// Measures export and import speed (MB/s of SQL dump) on a database of about 100 MB.
// Usage: start a server, then
//   node bench/transfer-speed.mjs BASE_URL ACCOUNT_ID TOKEN
import { createHash } from "node:crypto";

const [base, account, token] = process.argv.slice(2);
const api = `${base}/client/v4/accounts/${account}/d1/database`;
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };

async function post(path, body) {
  const r = await fetch(api + path, { method: "POST", headers, body: JSON.stringify(body) });
  const j = await r.json();
  if (!j.success) throw new Error(JSON.stringify(j.errors));
  return j.result;
}

const { uuid } = await post("", { name: `speed-${Date.now()}` });
await post(`/${uuid}/query`, { sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)" });
for (let i = 0; i < 10; i++) {
  await post(`/${uuid}/query`, {
    sql: `INSERT INTO t(v, b) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) SELECT hex(randomblob(200)), randomblob(600) FROM c`,
  });
}
const info = await (await fetch(`${api}/${uuid}`, { headers })).json();
const dbMB = info.result.file_size / 1e6;

let t0 = performance.now();
let r = await post(`/${uuid}/export`, { output_format: "polling" });
while (r.status !== "complete") r = await post(`/${uuid}/export`, { output_format: "polling", current_bookmark: r.at_bookmark });
const dump = Buffer.from(await (await fetch(r.result.signed_url)).arrayBuffer());
const exportS = (performance.now() - t0) / 1000;

const target = (await post("", { name: `speed-copy-${Date.now()}` })).uuid;
t0 = performance.now();
const etag = createHash("md5").update(dump).digest("hex");
const init = await post(`/${target}/import`, { action: "init", etag });
await fetch(init.upload_url, { method: "PUT", body: dump });
let s = await post(`/${target}/import`, { action: "ingest", etag, filename: init.filename });
while (s.status !== "complete") s = await post(`/${target}/import`, { action: "poll", current_bookmark: s.at_bookmark });
const importS = (performance.now() - t0) / 1000;

const dumpMB = dump.length / 1e6;
console.log(JSON.stringify({
  databaseMB: dbMB.toFixed(1),
  dumpMB: dumpMB.toFixed(1),
  exportSeconds: exportS.toFixed(1),
  exportMBps: (dumpMB / exportS).toFixed(1),
  importSeconds: importS.toFixed(1),
  importMBps: (dumpMB / importS).toFixed(1),
}));
