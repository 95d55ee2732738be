// Turns the run's CSV into bench/results/latest.md (machine, method, medians and spreads, the
// targets as ratios measured in this run) and the chart's data (one bar per target).
// Usage: node report.mjs MACHINE_TXT RUNS_CSV OUT_MD CHART_TSV
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";

const [machineFile, csvFile, mdFile, chartFile] = process.argv.slice(2);
const machine = Object.fromEntries(
  readFileSync(machineFile, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const rows = readFileSync(csvFile, "utf8").trim().split("\n").slice(1).map((l) => {
  const [workload, side, rep, metric, value, unit] = l.split(",");
  return { workload, side, rep: Number(rep), metric, value: Number(value), unit };
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const groups = new Map();
for (const r of rows) {
  const k = `${r.workload}|${r.side}|${r.metric}`;
  if (!groups.has(k)) groups.set(k, { ...r, values: [] });
  groups.get(k).values.push(r.value);
}
const stat = (workload, side, metric) => {
  const g = groups.get(`${workload}|${side}|${metric}`);
  if (!g) throw new Error(`no measurement of ${workload} ${side} ${metric}`);
  return { median: median(g.values), min: Math.min(...g.values), max: Math.max(...g.values), n: g.values.length, unit: g.unit };
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

// Every target, as "opend1's median over the reference's median" or "median against a bound".
const targets = [];
const ratio = (name, workload, side, refWorkload, refSide, min, higherIsBetter = true) => {
  const a = stat(workload, side, higherIsBetter ? "throughput" : "seconds");
  const b = stat(refWorkload, refSide, higherIsBetter ? "throughput" : "seconds");
  // For times, the ratio is the speed ratio: reference time over opend1's time.
  const r = higherIsBetter ? a.median / b.median : b.median / a.median;
  targets.push({ name, measured: `${fmt(r)}x ${refSide}`, target: `>= ${min}x`, score: r / min, met: r >= min });
};
const bound = (name, workload, side, metric, max, unit) => {
  const s = stat(workload, side, metric);
  targets.push({ name, measured: `${fmt(s.median)} ${unit}`, target: `< ${max} ${unit}`, score: max / s.median, met: s.median < max });
};
// Issue 17's targets ("Performance, round two"), and the first round's that it does not replace
// (the restore, the open databases).
ratio("Point read, 16 conns, vs Miniflare", "point-16conn", "opend1-query", "point-16conn", "miniflare", 35);
ratio("Point read, 16 conns, vs own /healthz", "point-16conn", "opend1-query", "point-16conn", "opend1-healthz", 0.65);
bound("Point read, 1 conn, p50", "point-1conn", "opend1-query", "p50", 0.12, "ms");
bound("Point read, 1 conn, p99", "point-1conn", "opend1-query", "p99", 0.4, "ms");
ratio("INSERT, 16 conns, durable history, vs in-process loop", "insert-16conn", "opend1-query", "insert-16conn", "sqlite-jdbc", 2.0);
ratio("Batch of 1,000 INSERTs vs in-process transaction", "batch1000", "opend1-query", "batch1000", "sqlite-jdbc", 0.6);
ratio("10 MB result vs in-process", "result-10mb", "opend1-query", "result-10mb", "sqlite-jdbc", 0.5);
ratio("Export vs sqlite3 .dump", "export", "opend1", "export", "sqlite3", 0.8, false);
ratio("Import vs sqlite3 < dump", "import", "opend1", "import", "sqlite3", 0.8, false);
bound("Restore 1,000 commits back (answer + read)", "restore", "opend1", "seconds", 5, "s");
bound(`${machine.manydbs} databases: server RSS`, "manydbs", "opend1", "rss", 400, "MB");
{
  const open = stat("manydbs", "opend1", "open_databases").median;
  const limit = stat("manydbs", "opend1", "max_open_databases").median;
  const n = Number(machine.manydbs);
  targets.push({
    name: `${machine.manydbs} databases: open right after the last query`,
    measured: `${open} of ${n} hold db.sqlite fds`,
    target: `<= ${limit} (max-open-databases)`,
    score: open <= limit ? 1 : limit / open,
    met: open <= limit,
  });
  const idle = stat("manydbs", "opend1", "open_databases_after_idle").median;
  targets.push({
    name: `${machine.manydbs} databases: idle ones hold no connection (after 75 s idle)`,
    measured: `${idle} of ${n} hold db.sqlite fds`,
    target: "0",
    score: idle === 0 ? 1 : 1 / (1 + idle),
    met: idle === 0,
  });
}
// The restart is not run here: `bench/run restart` fills 1 GB of history into 1,000 databases and
// kills the server three times, about 5 minutes and 2 GB of disk of its own, and its figure (a
// JVM's start) moves with the machine's load more than any ratio here. Its latest file is
// reported as it stands, with the commit and date it was measured at, so the table holds every
// target and says how old each figure is.
const restartFile = new URL("../results/restart.txt", import.meta.url);
const restart = { note: "`bench/results/restart.txt` is missing: `bench/run restart` has not been run." };
if (existsSync(restartFile)) {
  const text = readFileSync(restartFile, "utf8");
  const head = text.match(/^bench\/run restart at commit (\S+), (\S+)/);
  const size = text.match(/^(\d+) databases, (\d+) MB of history on disk/m);
  const first = text.match(/^start of the new JVM to the first successful query: ([\d.]+) s/m);
  const load = text.match(/^load average at start: ([\d. ]+);/m);
  if (head && size && first) {
    const s = Number(first[1]);
    targets.push({
      name: `Restart after SIGKILL to the first query, ${size[1]} databases, ${size[2]} MB of history (restart.txt at ${head[1]})`,
      measured: `${fmt(s)} s`,
      target: "< 5 s",
      score: 5 / s,
      met: s < 5,
    });
    restart.note = `The restart row is \`bench/results/restart.txt\` as it stands: \`bench/run restart\` at commit ${head[1]} on ${head[2]}${load ? ` (load average ${load[1].trim()} at its start)` : ""}, not this run.`;
  } else {
    restart.note = "`bench/results/restart.txt` could not be read (its format changed?): the restart is not in the table.";
  }
}

const steady = ["point-1conn", "point-16conn", "range100-16conn", "insert-1conn", "insert-16conn", "batch1000", "result-10mb"];
const sideOrder = ["opend1-query", "opend1-raw", "opend1-healthz", "opend1", "miniflare", "sqlite-jdbc", "sqlite3", "node-fetch", "curl"];
const byOrder = (a, b) => sideOrder.indexOf(a.side) - sideOrder.indexOf(b.side);
const gs = [...groups.values()];

const md = [];
const quick = machine.mode === "quick";
md.push(`# opend1 benchmark results${quick ? " (QUICK MODE: short runs, few repetitions, small databases; not the official numbers)" : ""}`);
md.push("");
md.push(`Written by \`bench/run${quick ? " --quick" : ""}\` on ${machine.date} at commit ${machine.commit}.`);
md.push("");
md.push("## Machine");
md.push("");
md.push(`- CPU: ${machine.cpu}, **${machine.cores} cores shared by the load generator, the servers and the JMH runs** (nothing is pinned), ${machine.memory} RAM, Linux ${machine.kernel}`);
md.push(`- ${machine.jdk}; sqlite-jdbc ${machine.sqlite_jdbc}; Debian sqlite3 ${machine.sqlite3}; ${machine.wrk}`);
md.push(`- Peer: Miniflare ${machine.miniflare} (workerd ${machine.workerd}) on Node ${machine.node}`);
md.push(`- Load average when the run started: ${machine.load_at_start}`);
md.push("");
md.push("## Method");
md.push("");
md.push(`- Every number below comes from this one run. opend1 was warmed with about ${machine.warmup_s} s of load on every workload's path before anything was recorded.`);
md.push(`- Each steady workload ran ${machine.reps} times per side for ${machine.duration_s} s, the sides alternated (A B C A B C ...); the tables give the median and the min–max spread of the runs. A target is met when the median meets it.`);
md.push("- Load generator: **wrk** (Debian) for every HTTP side, opend1 and Miniflare alike, with `bench/lib/d1.lua` building D1 `/query` bodies (random keys) and reporting wrk's own latency percentiles (which wrk corrects for coordinated omission: a request that took S also counts at S - I, S - 2I, ..., I being the run's mean interval per connection, so at 1 connection a p99 is about the latency beyond which the stalls add up to 1% of the run's time). wrk is an event-loop client in C, so on 2 shared cores it takes far less CPU than a Node or Java client would, and it keeps connections open (closed loop, N connections each with one request in flight).");
md.push("- Physical limit: the same SQL through sqlite-jdbc in one process with JMH 1.37 (`bench/jmh`; one connection per thread, WAL, `synchronous=FULL`), and opend1's no-op `/healthz` for the HTTP floor (at 16 connections its rate; at 1 connection its p50 and p99 beside the point read's, the tail the machine gives any request in the same conditions).");
md.push("- Peer: Miniflare's local D1 behind a Worker (`bench/peer/worker.js`) that runs the same SQL through the D1 binding and returns the rows as JSON.");
md.push(`- Database: \`kv\` of ${machine.rows} rows (id, name, score, 100-char payload); \`log\` for INSERTs; \`big\` of 10,000 rows of 1,000 characters (the 10 MB result).`);
md.push(`- Export/import: a database of ${(stat("transfer-db", "opend1", "bytes").median / 1e6).toFixed(0)} MB; opend1's time runs from the first export call until the dump is on the client's disk (each export follows a one-row write, untimed, so it dumps a new state rather than answering from the previous export's file), and from import init (upload included; the MD5 is computed before) until the poll that says complete. sqlite3's are \`sqlite3 DB .dump > f\` (of a \`.backup\` copy of the same file) and \`sqlite3 new.db < f\`. Dumps: opend1 ${(stat("export-dump", "opend1", "bytes").median / 1e6).toFixed(0)} MB, sqlite3 ${(stat("export-dump", "sqlite3", "bytes").median / 1e6).toFixed(0)} MB.`);
md.push(`- Restore: on that database, take a bookmark, make 1,000 single-row commits, restore to the bookmark; the time until the restore call answers and a following read sees the old row count.`);
md.push(`- Many databases: on a fresh server, ${machine.manydbs} databases each created and queried once (16 at a time); then the server's RSS (/proc/PID/status) and its open \`db.sqlite\` files (/proc/PID/fd), right away and again after 75 s with every database idle (the server closes databases unused for a minute).`);
md.push("");
md.push("## Targets");
md.push("");
md.push(`Issue 17's targets (performance, round two), with the first round's restore and open-database targets, which it keeps. The restart and the soak are measured apart (\`bench/run restart\`, \`bench/soak\`). ${restart.note}`);
md.push("");
md.push("| Target | Measured (median) | Target | Met |");
md.push("|---|---|---|---|");
for (const t of targets) md.push(`| ${t.name} | ${t.measured} | ${t.target} | ${t.met ? "met" : "**not met**"} |`);
md.push("");
md.push("## Steady workloads");
md.push("");
md.push("| Workload | Side | Throughput median (req/s) | Spread (min–max) | p50 ms | p99 ms | Ratio opend1-query / side |");
md.push("|---|---|---|---|---|---|---|");
for (const w of steady) {
  const sides = gs.filter((g) => g.workload === w && g.metric === "throughput").sort(byOrder);
  const mine = stat(w, "opend1-query", "throughput").median;
  for (const g of sides) {
    const s = stat(w, g.side, "throughput");
    const lat = (p) => (groups.has(`${w}|${g.side}|${p}`) ? fmt(stat(w, g.side, p).median) : "–");
    const r = g.side === "opend1-query" ? "–" : `${fmt(mine / s.median)}x`;
    md.push(`| ${w} | ${g.side} | ${fmt(s.median)} | ${fmt(s.min)}–${fmt(s.max)} | ${lat("p50")} | ${lat("p99")} | ${r} |`);
  }
}
md.push("");
md.push("(batch1000: one request is 1,000 INSERTs; sqlite-jdbc: JMH operations per second, no latency.)");
md.push("");
md.push("## Export, import, restore, many databases");
md.push("");
md.push("| Workload | Side | Metric | Median | Spread (min–max) | Runs |");
md.push("|---|---|---|---|---|---|");
const tail = ["export", "import", "restore", "manydbs"];
const byTail = (a, b) => tail.indexOf(a.workload) - tail.indexOf(b.workload) || byOrder(a, b);
for (const g of gs.filter((g) => tail.includes(g.workload)).sort(byTail)) {
  const s = stat(g.workload, g.side, g.metric);
  md.push(`| ${g.workload} | ${g.side} | ${g.metric} | ${fmt(s.median)} ${s.unit} | ${fmt(s.min)}–${fmt(s.max)} | ${s.n} |`);
}
md.push("");
md.push("Export and import by phase, in the same runs: opend1's `dump` runs from the first export call until the poll that answers with the signed URL, its `download` until the file is on the client's disk; the import's `upload` is init and the `PUT` of the body, its `ingest` from the ingest call until the poll that says complete. `*_server_cpu` is the server process's CPU in that phase (utime + stime from /proc), `*_client_cpu` the client's (Node's `process.cpuUsage`, or curl's user + sys). After each export the same finished file is downloaded again, alone: `node-fetch` with the benchmark's client, `curl` as the floor. sqlite3's `cpu` is its own user + sys.");
md.push("");
md.push("Every run's raw numbers: `latest.csv`. Chart: `latest.png` (each target's measured value over its bound; 1.0 = just met).");
// Sections written by hand beside the run's files, taken in whole so a new run keeps them: the
// time-travel figures (docs/time-travel.md links to that section here), and, while a target is
// missed, each `remaining-*.md`: the profile of what remains and why (issue 17's done-when).
const results = new URL("../results/", import.meta.url);
const byHand = (name) => readFileSync(new URL(name, results), "utf8").trimEnd();
if (existsSync(new URL("time-travel.md", results))) md.push("", byHand("time-travel.md"));
const remaining = readdirSync(results).filter((f) => /^remaining-.*\.md$/.test(f)).sort();
if (targets.some((t) => !t.met) && remaining.length > 0) {
  md.push("", "## What remains", "");
  md.push(`Written by hand, not by this run (each file says at which commit and under what load its profile was taken): ${remaining.map((f) => `\`${f}\``).join(", ")}, taken in whole, each under a heading of the third level.`);
  for (const f of remaining) {
    const text = byHand(f);
    const top = Math.min(...(text.match(/^#+(?= )/gm) ?? ["###"]).map((h) => h.length));
    md.push("", text.replace(/^(#+) /gm, (_, h) => `${"#".repeat(h.length + 3 - top)} `));
  }
}
writeFileSync(mdFile, md.join("\n") + "\n");
writeFileSync(chartFile, targets.map((t) => `${t.name}\t${t.score}\t${t.met}\t${t.measured}`).join("\n") + "\n");
