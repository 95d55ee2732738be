// The console's entry point: the header and a router over location.hash.
//   #/              the databases of the signed-in account
//   #/db/ID[/TAB]   one database; TAB is overview (default), insights, tables, sql, time-travel or transfer
// Without a token in sessionStorage every route shows the sign-in form.
import { session } from "./api.js";
import { signInPage } from "./signin.js";
import { databasesPage } from "./databases.js";
import { databasePage, DEFAULT_TAB } from "./database.js";

const main = document.getElementById("main");
const accountLabel = document.getElementById("account");
const signOut = document.getElementById("sign-out");

/** The open database page, kept while only its tab changes so its state (undo, jobs) survives. */
let open = null;

/** Leaves the open database page, if any. */
function leave() {
  open?.close();
  open = null;
}

signOut.addEventListener("click", () => {
  session.signOut();
  leave();
  location.hash = "#/";
  route();
});

function route() {
  const signedIn = Boolean(session.token && session.account);
  signOut.hidden = !signedIn;
  accountLabel.textContent = signedIn ? `account ${session.account}` : "";
  if (!signedIn) {
    leave();
    main.replaceChildren(signInPage(route));
    return;
  }
  const m = location.hash.match(/^#\/db\/([^/]+)(?:\/([a-z-]+))?$/);
  if (!m) {
    leave();
    main.replaceChildren(databasesPage());
    return;
  }
  const id = decodeURIComponent(m[1]);
  if (!open || open.id !== id) {
    leave();
    open = databasePage(id);
    main.replaceChildren(open.element);
  }
  open.show(m[2] ?? DEFAULT_TAB);
}

window.addEventListener("hashchange", route);
window.addEventListener("opend1:signed-out", (e) => {
  route();
  main.querySelector(".error")?.replaceChildren(`The server refused the token (${e.detail}); sign in again.`);
  main.querySelector(".error")?.removeAttribute("hidden");
});
route();
