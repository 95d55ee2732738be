// A confirmation for what cannot be undone: the user types the thing's name, and the button that
// does it stays disabled until the typed text matches exactly.
import { h } from "./dom.js";

/** Asks in a modal dialog; resolves true only when `name` was typed and `confirmLabel` pressed. */
export function confirmByName(text, name, confirmLabel) {
  return new Promise((resolve) => {
    const typed = h("input", { id: "confirm-name", autocomplete: "off", spellcheck: "false", "aria-label": "Name to confirm" });
    const go = h("button", { value: "ok", class: "danger", disabled: true }, confirmLabel);
    typed.addEventListener("input", () => (go.disabled = typed.value !== name));
    const dialog = h(
      "dialog",
      { class: "confirm" },
      h("p", {}, text),
      h("label", { for: "confirm-name" }, "Type ", h("code", {}, name), " to confirm:"),
      typed,
      h("form", { method: "dialog" }, h("button", { value: "cancel" }, "Cancel"), go),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "ok" && typed.value === name);
    });
    document.body.append(dialog);
    dialog.showModal();
    typed.focus();
  });
}
