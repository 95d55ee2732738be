// Summarises a subset run of bench/run (`bench/run batch`, `insert`, `point`, `result`, `transfer`, `many`) as plain text:
// the machine's load, then per workload and side the median and spread of the runs, and the
// ratio the target is stated in, both sides measured in this run.
// Usage: node subset-report.mjs MACHINE_TXT RUNS_CSV > bench/results/SUBSET.txt
import { readFileSync } from "node:fs";

const [machineFile, csvFile] = process.argv.slice(2);
const machine = Object.fromEntries(
  readFileSync(machineFile, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const groups = new Map();
for (const l of readFileSync(csvFile, "utf8").trim().split("\n").slice(1)) {
  const [workload, side, , metric, value, unit] = l.split(",");
  const k = `${workload}|${side}|${metric}`;
  if (!groups.has(k)) groups.set(k, { workload, side, metric, unit, values: [] });
  groups.get(k).values.push(Number(value));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const med = (workload, side, metric) => {
  const g = groups.get(`${workload}|${side}|${metric}`);
  if (!g) throw new Error(`no measurement of ${workload} ${side} ${metric}`);
  return median(g.values);
};

// Server CPU per request in us, run by run (each run's CPU seconds over its requests); null when
// the run did not record it.
const cpuPerRequest = (workload, side) => {
  const cpu = groups.get(`${workload}|${side}|cpu_seconds`);
  if (!cpu) return null;
  const rates = groups.get(`${workload}|${side}|throughput`).values;
  return cpu.values.map((c, i) => (c * 1e6) / (rates[i] * Number(machine.duration_s)));
};

// One group as "workload side metric: median unit (min-max)".
const summary = (g) => `${g.workload} ${g.side} ${g.metric}: ${fmt(median(g.values))} ${g.unit} (${fmt(Math.min(...g.values))}-${fmt(Math.max(...g.values))})`;
const out = [];
out.push(`bench/run ${machine.subset} (${machine.mode} sizes) at commit ${machine.commit}, ${machine.date}`);
out.push(`${machine.cores} cores (${machine.cpu}), ${machine.jdk}, sqlite-jdbc ${machine.sqlite_jdbc}, sqlite3 ${machine.sqlite3}`);
out.push(`load average at start: ${machine.load_at_start}; at end: ${machine.load_at_end}`);
out.push(`${machine.reps} alternated runs per side; medians (min-max)`);
out.push("");
for (const g of [...groups.values()].filter((g) => ["throughput", "seconds", "bytes", "cpu_per_request", "commits_per_request"].includes(g.metric))) {
  out.push(summary(g));
}
out.push("");
if (machine.subset === "batch") {
  const r = med("batch1000", "opend1-query", "throughput") / med("batch1000", "sqlite-jdbc", "throughput");
  out.push(`batch of 1,000 INSERTs vs one in-process transaction: ${fmt(r)}x (target >= 0.6x)`);
} else if (machine.subset === "point") {
  // The 1-connection /healthz beside the point read: its p99 is the HTTP floor's tail in the same
  // conditions, so a tail both share is the machine's, not the read's.
  const sides = [["point-1conn", "opend1-query"], ["point-1conn", "opend1-healthz"], ["point-16conn", "opend1-query"], ["point-16conn", "opend1-healthz"]];
  for (const [w, side] of sides.filter(([w, side]) => w === "point-1conn" || side === "opend1-query")) {
    const p999 = groups.has(`${w}|${side}|p999`) ? `, p99.9 ${fmt(med(w, side, "p999"))} ms` : "";
    out.push(`${w} ${side} latency: p50 ${fmt(med(w, side, "p50"))} ms, p99 ${fmt(med(w, side, "p99"))} ms${p999}`);
  }
  for (const [w, side] of sides) {
    const perRequest = cpuPerRequest(w, side);
    if (!perRequest) continue;
    out.push(`${w} ${side} server CPU per request: ${fmt(median(perRequest))} us (${fmt(Math.min(...perRequest))}-${fmt(Math.max(...perRequest))})`);
  }
  const q = med("point-16conn", "opend1-query", "throughput");
  out.push(`point read, 16 connections, vs own /healthz: ${fmt(q / med("point-16conn", "opend1-healthz", "throughput"))}x (target >= 0.65x)`);
  if (groups.has("point-16conn|miniflare|throughput")) {
    out.push(`point read, 16 connections, vs Miniflare: ${fmt(q / med("point-16conn", "miniflare", "throughput"))}x (target >= 35x)`);
  }
  out.push("point read, 1 connection, targets: p50 < 0.12 ms, p99 < 0.4 ms");
} else if (machine.subset === "result") {
  for (const side of ["opend1-query", "opend1-raw"]) {
    out.push(`result-10mb ${side} latency: p50 ${fmt(med("result-10mb", side, "p50"))} ms, p99 ${fmt(med("result-10mb", side, "p99"))} ms`);
    const perRequest = cpuPerRequest("result-10mb", side).map((us) => us / 1000);
    out.push(`result-10mb ${side} server CPU per request: ${fmt(median(perRequest))} ms (${fmt(Math.min(...perRequest))}-${fmt(Math.max(...perRequest))})`);
  }
  const jdbc = med("result-10mb", "sqlite-jdbc", "throughput");
  out.push(`10 MB result vs in-process: /query ${fmt(med("result-10mb", "opend1-query", "throughput") / jdbc)}x, /raw ${fmt(med("result-10mb", "opend1-raw", "throughput") / jdbc)}x (target >= 0.5x, /query)`);
} else if (machine.subset === "many") {
  for (const g of [...groups.values()].filter((g) => g.workload === "manydbs" && g.metric !== "seconds")) {
    out.push(`manydbs ${g.metric}: ${fmt(median(g.values))} ${g.unit}`);
  }
  out.push(`${fmt(med("manydbs", "opend1", "databases"))} databases: server RSS ${fmt(med("manydbs", "opend1", "rss"))} MB (target < 400 MB)`);
} else if (machine.subset === "insert") {
  const r = med("insert-16conn", "opend1-query", "throughput") / med("insert-16conn", "sqlite-jdbc", "throughput");
  out.push(`single-row INSERT, 16 connections, durable history, vs an in-process autocommit loop: ${fmt(r)}x (target >= 2.0x)`);
} else {
  // Each phase of the export and import (bench/lib/ops.mjs), and the finished file's download alone.
  for (const g of [...groups.values()].filter((g) => ["export", "import"].includes(g.workload) && /_seconds$|cpu$/.test(g.metric))) {
    out.push(summary(g));
  }
  out.push("");
  for (const w of ["export", "import"]) {
    const r = med(w, "sqlite3", "seconds") / med(w, "opend1", "seconds");
    out.push(`${w} vs sqlite3: ${fmt(r)}x (target >= 0.8x)`);
  }
}
console.log(out.join("\n"));
