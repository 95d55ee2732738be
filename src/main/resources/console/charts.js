// Time-series charts with uPlot (served from its WebJar). Each chart element also carries what it
// plots, as data attributes, so the figures can be read without looking at pixels:
// data-totals (each series' sum over the range) and data-points (how many points on the x axis).
import uPlot from "./vendor/uplot.js";
import { h } from "./dom.js";

const COLOURS = ["#1f5fbf", "#c2571a", "#2e8540", "#8a3ffc"];

/** The charts on the page, resized with the window. */
const live = new Set();
window.addEventListener("resize", () => {
  for (const chart of live) {
    if (!chart.root.isConnected) live.delete(chart);
    else chart.setSize({ width: widthOf(chart.root.parentElement), height: chart.height });
  }
});

function widthOf(el) {
  return Math.max(200, (el?.clientWidth ?? 400) - 4);
}

/**
 * A chart card: `title`, x values in epoch ms, and `series` [{label, values, sparse}]. Missing
 * values are null (a gap); a `sparse` series marks each point. Returns the card; the chart is drawn once the card is in the page.
 */
export function timeChart({ key, title, xs, series, height = 180, format = (v) => String(v) }) {
  const holder = h("div", { class: "chart-plot" });
  const totals = Object.fromEntries(series.map((s) => [s.label, s.values.reduce((a, v) => a + (v ?? 0), 0)]));
  const card = h(
    "div",
    {
      class: "card chart",
      "data-chart": key,
      "data-totals": JSON.stringify(totals),
      "data-points": xs.length,
    },
    h("h2", {}, title),
    holder,
  );
  requestAnimationFrame(() => {
    const chart = new uPlot(
      {
        width: widthOf(holder),
        height,
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{}, { values: (u, ticks) => ticks.map(format), size: 60 }],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length],
            width: 1.5,
            fill: series.length === 1 ? `${COLOURS[i]}22` : undefined,
            value: (u, v) => (v === null || v === undefined ? "–" : format(v)),
            spanGaps: false,
            // Sparse series (latency, size: null where nothing ran) show their points, or one point would not show.
            points: s.sparse ? { show: true, size: 6 } : undefined,
          })),
        ],
      },
      [xs.map((x) => x / 1000), ...series.map((s) => s.values)],
      holder,
    );
    chart.height = height;
    live.add(chart);
  });
  return card;
}

/** A small line of `values` (a sparkline) as inline SVG, `title` for its tooltip. */
export function sparkline(values, title) {
  const width = 120;
  const height = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", title);
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", points.join(" "));
  const tip = document.createElementNS(ns, "title");
  tip.textContent = title;
  svg.append(tip, line);
  svg.dataset.total = values.reduce((a, v) => a + v, 0);
  return svg;
}
