// Small DOM helpers shared by the pages: element building, error boxes, number formatting.

/** Builds an element: h("a", {href: "#/"}, "text", child). `on*` attributes become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

/** Replaces the contents of `box` with an error message (role=alert), or clears it. */
export function showError(box, error) {
  box.replaceChildren();
  box.hidden = !error;
  if (error) box.append(h("strong", {}, "Error: "), error.message ?? String(error));
}

/** An empty, hidden error box to put in place next to what can fail. */
export function errorBox() {
  return h("div", { class: "error", role: "alert", hidden: true });
}

/** Runs `action` with `button` disabled, showing any failure in `box`. */
export async function busy(button, box, action) {
  button.disabled = true;
  if (box) showError(box, null);
  try {
    return await action();
  } catch (e) {
    if (box) showError(box, e);
    else throw e;
  } finally {
    button.disabled = false;
  }
}

/** 1234567 -> "1.2 MB". */
export function bytes(n) {
  if (n === undefined || n === null) return "";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  let v = Number(n);
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Asks in a modal dialog; resolves true when the user confirms. */
export function confirmDialog(text, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { class: "confirm" },
      h("p", {}, text),
      h(
        "form",
        { method: "dialog" },
        h("button", { value: "cancel" }, "Cancel"),
        h("button", { value: "ok", class: "danger" }, confirmLabel),
      ),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "ok");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Waits `ms` between two polls of a running job. */
export function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
