// Sign in with an API token: the accounts endpoint (the one wrangler uses for account discovery)
// checks it and names the account(s) it may use. The token is kept in sessionStorage only.
import { call, session } from "./api.js";
import { h, errorBox, busy } from "./dom.js";

export function signInPage(onSignedIn) {
  const token = h("input", { id: "token", type: "password", autocomplete: "off", required: true, size: 48 });
  const accounts = h("select", { id: "account-choice" });
  const choose = h("label", { hidden: true }, "Account ", accounts);
  const errors = errorBox();
  const submit = h("button", { type: "submit" }, "Sign in");
  let found = null;

  const form = h(
    "form",
    { class: "card signin" },
    h("h1", {}, "Sign in"),
    h(
      "p",
      { class: "muted" },
      "Use an API token of this server (printed on its first start, or made with ",
      h("code", {}, "opend1 token create"),
      "). It is kept in this tab's session storage only.",
    ),
    h("label", {}, "API token ", token),
    choose,
    errors,
    submit,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(submit, errors, async () => {
      if (found && !choose.hidden) {
        session.signIn(token.value.trim(), accounts.value);
        return onSignedIn();
      }
      const r = await call("GET", "/accounts", { token: token.value.trim() });
      found = r.result;
      if (found.length === 0) throw new Error("This token has no account.");
      if (found.length === 1) {
        session.signIn(token.value.trim(), found[0].id);
        return onSignedIn();
      }
      accounts.replaceChildren(...found.map((a) => h("option", { value: a.id }, `${a.name} (${a.id})`)));
      choose.hidden = false;
    });
  });
  queueMicrotask(() => token.focus());
  return form;
}
