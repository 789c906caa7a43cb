// The states before the dashboard: sign in, refused (not an admin), signed out, errors.

import { googleSignInUrl } from "../api.js";
import { h } from "../dom.js";

// RESTART.sh reads the same settings (.env) as the service, so the link points at this instance.
const CLI_HINT = "./RESTART.sh admin-link you@example.com";

function card(testid, ...children) {
  return h("main", { class: "gate" }, h("section", { class: "gate-card", testid },
    h("div", { class: "brand" }, h("span", { class: "brand-mark" }, "▶"), "ShareTube ", h("span", { class: "muted" }, "admin")),
    ...children));
}

function googleButton(enabled) {
  if (!enabled) return h("p", { class: "muted small" }, "Google sign-in is not configured on this server.");
  return h("a", { class: "btn btn-primary btn-wide", href: googleSignInUrl(), testid: "google-signin" }, "Sign in with Google");
}

function cliHelp() {
  return h("div", { class: "cli-help" },
    h("p", {}, "First time, or no Google sign-in? In the ShareTube folder on the server, run:"),
    h("pre", {}, h("code", { testid: "cli-hint" }, CLI_HINT)),
    h("p", { class: "muted small" }, "and open the one-time link it prints (valid 30 minutes). "
      + "On a server deployed with systemd, see deploy/README.md."));
}

export function signInView({ message, googleEnabled }) {
  return card("signin",
    h("h1", {}, "Sign in to the dashboard"),
    message ? h("p", { class: "notice", testid: "signin-message" }, message) : null,
    googleButton(googleEnabled),
    cliHelp());
}

export function refusedView({ message, user, googleEnabled }) {
  return card("refused",
    h("h1", {}, "This account is not an admin"),
    h("p", { class: "notice notice-error", testid: "refused-message" },
      user && user.name ? `You signed in as “${user.name}”. ` : "",
      message || "Only admins of this ShareTube service can open the dashboard."),
    h("p", {}, "Ask an existing admin to grant you the admin role, or sign in with another account."),
    googleButton(googleEnabled),
    cliHelp());
}

export function errorView({ message, retry }) {
  return card("error",
    h("h1", {}, "The dashboard cannot load"),
    h("p", { class: "notice notice-error" }, message || "Something went wrong."),
    h("button", { type: "button", class: "btn btn-primary", onClick: retry }, "Try again"));
}
