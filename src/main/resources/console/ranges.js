// The "Last hour / day / week / month" buttons that the overview, insights and the time-travel
// timeline share, and the loading they drive: the newest request wins (an older answer arriving
// late is dropped), and a failure shows in the panel's error box.
import { RANGES } from "./analytics.js";
import { h, showError } from "./dom.js";

/**
 * Buttons for the ranges, starting at `initial`. `fetch(range)` gets what a range shows and
 * resolves to a function that shows it, called only when no newer range was asked for meanwhile.
 * Returns the buttons' element and `load(range?)` (the current range when none is given).
 */
export function rangePicker(initial, errors, fetch) {
  let range = initial;
  /** The newest request's number; an answer to an older one is dropped. */
  let latest = 0;
  const buttons = Object.entries(RANGES).map(([key, r]) =>
    h("button", { type: "button", class: "small range", "data-range": key, "aria-pressed": "false" }, r.label),
  );

  async function load(next = range) {
    range = next;
    for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.range === range));
    const ticket = ++latest;
    try {
      const show = await fetch(range);
      if (ticket !== latest) return;
      show();
      showError(errors, null);
    } catch (e) {
      if (ticket === latest) showError(errors, e);
    }
  }

  for (const b of buttons) b.addEventListener("click", () => load(b.dataset.range));
  const element = h(
    "div",
    { class: "row ranges", role: "group", "aria-label": "Time range" },
    h("span", { class: "muted" }, "Last"),
    ...buttons,
  );
  return { element, load };
}
