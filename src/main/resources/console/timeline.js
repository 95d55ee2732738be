// The time-travel timeline: write queries over a range (up to the retention window) as a uPlot
// chart with a tick at every commit, and the range's commits as a list, newest first, from
// opend1's time_travel/commits. Picking a commit (its button, or a click on the chart near it)
// hands it ({bookmark, timestamp}) to `onPick`.
import uPlot from "./vendor/uplot.js";
import { db } from "./api.js";
import { analytics, RANGES, timeline, pointOf, since } from "./analytics.js";
import { h, errorBox } from "./dom.js";
import { rangePicker } from "./ranges.js";

/** Commits listed (and ticked) at most: one page of time_travel/commits. */
const MAX_COMMITS = 200;

function writesQuery(dimension) {
  return `query Writes($account: string!, $db: string!, $since: Time!) {
  viewer { accounts(filter: {accountTag: $account}) {
    d1AnalyticsAdaptiveGroups(limit: 10000, filter: {databaseId: $db, datetime_geq: $since}, orderBy: [${dimension}_ASC]) {
      dimensions { ${dimension} }
      sum { writeQueries }
    }
  } }
}`;
}

/** A uPlot plugin drawing a vertical tick at each commit time (epoch seconds). */
function commitTicks(times) {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.strokeStyle = "#b3261e";
        ctx.lineWidth = 1.5 * devicePixelRatio;
        for (const t of times) {
          const x = Math.round(u.valToPos(t, "x", true));
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, bbox.top + bbox.height);
          ctx.lineTo(x, bbox.top + bbox.height - 10 * devicePixelRatio);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

export function commitTimeline(database, onPick) {
  let chart = null;
  const errors = errorBox();
  const plot = h("div", { class: "chart-plot", id: "timeline-chart" });
  const list = h("ol", { class: "commits", id: "commits" });
  const more = h("p", { class: "muted", hidden: true });
  /** The commits listed, for the time of a bookmark typed rather than picked. */
  let listed = [];

  function item(c) {
    const use = h("button", { type: "button", class: "small", title: "Fill in the form below with this bookmark" }, "Pick");
    use.addEventListener("click", () => onPick(c));
    return h(
      "li",
      { "data-bookmark": c.bookmark },
      h("time", { datetime: c.timestamp }, new Date(c.timestamp).toLocaleString()),
      " ",
      h("code", {}, c.bookmark),
      " ",
      use,
    );
  }

  function draw(xs, writes, commits) {
    chart?.destroy();
    const times = commits.map((c) => Date.parse(c.timestamp) / 1000);
    chart = new uPlot(
      {
        width: Math.max(200, plot.clientWidth - 4),
        height: 160,
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true, range: () => [xs[0] / 1000, Date.now() / 1000] } },
        series: [{}, { label: "Write queries", stroke: "#1f5fbf", fill: "#1f5fbf22", width: 1.5 }],
        plugins: [commitTicks(times)],
      },
      [xs.map((x) => x / 1000), writes],
      plot,
    );
    // A click picks the commit nearest to it.
    chart.over.addEventListener("click", () => {
      if (!commits.length || chart.cursor.left < 0) return;
      const t = chart.posToVal(chart.cursor.left, "x");
      let best = 0;
      for (let i = 1; i < times.length; i++) if (Math.abs(times[i] - t) < Math.abs(times[best] - t)) best = i;
      onPick(commits[best]);
    });
  }

  const ranges = rangePicker("day", errors, async (range) => {
    const { dimension } = RANGES[range];
    const xs = timeline(range);
    const from = new Date(Date.now() - RANGES[range].ms).toISOString();
    const [activity, commits] = await Promise.all([
      analytics(writesQuery(dimension), { db: database.id, since: since(xs) }),
      db("GET", `/${encodeURIComponent(database.id)}/time_travel/commits`, { query: { since: from, limit: MAX_COMMITS } }),
    ]);
    const at = new Map(activity.d1AnalyticsAdaptiveGroups.map((g) => [pointOf(g, dimension), g.sum.writeQueries]));
    const writes = xs.map((x) => at.get(x) ?? 0);
    return () => {
      listed = commits;
      list.replaceChildren(...commits.map(item));
      more.hidden = commits.length < MAX_COMMITS;
      more.textContent = `The newest ${MAX_COMMITS} commits of this range; pick a shorter range to see older ones.`;
      plot.dataset.commits = commits.length;
      plot.dataset.writes = writes.reduce((a, v) => a + v, 0);
      plot.dataset.range = range;
      requestAnimationFrame(() => draw(xs, writes, commits));
    };
  });

  return {
    element: h(
      "div",
      { class: "card", id: "timeline" },
      h("h2", {}, "Timeline"),
      ranges.element,
      h("p", { class: "muted" }, "Write queries, with a red tick at each commit. Click near a tick, or pick a commit below, to view or restore it."),
      plot,
      errors,
      h("div", { class: "scroll commit-list" }, list),
      more,
    ),
    load: () => ranges.load(),
    /** The commit time of `bookmark` if it is listed, else null. */
    timestampOf: (bookmark) => listed.find((c) => c.bookmark === bookmark)?.timestamp ?? null,
  };
}
