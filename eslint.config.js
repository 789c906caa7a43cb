// ESLint (flat config) for the extension, the phone remote, the dashboard, the homepage, their build tools and the node --test suites.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: ["extension/dist/**", "node_modules/**", ".venv/**", "mobile_remote/dist/**", "dashboard/dist/**", "server/**", "tests/e2e/**"],
  },
  js.configs.recommended,
  {
    files: ["extension/src/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.webextensions },
    },
  },
  {
    // The client core (pure, bundled into all three clients) and the clients' shared build tools.
    files: ["clients/core/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
  },
  {
    files: ["clients/tools/**/*.mjs"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.node } },
  },
  {
    // Pure modules: no DOM, no chrome.* (they run under node --test too); the client core is
    // bundled into all three clients, so it is held to the same boundary.
    files: ["clients/core/**/*.js", "extension/src/lib/**/*.js", "extension/src/constants.js"],
    languageOptions: {
      globals: { ...globals["shared-node-browser"] },
    },
    rules: {
      "no-restricted-globals": ["error", "document", "window", "chrome", "location", "navigator"],
    },
  },
  {
    // The core's state lives with its callers: no page storage either.
    files: ["clients/core/**/*.js"],
    rules: {
      "no-restricted-globals": ["error", "document", "window", "chrome", "location", "navigator", "localStorage", "sessionStorage"],
    },
  },
  {
    files: ["mobile_remote/src/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    files: ["mobile_remote/src/lib/**/*.js"],
    languageOptions: { globals: { ...globals["shared-node-browser"] } },
    rules: {
      // Pure modules: no DOM (they run under node --test too).
      "no-restricted-globals": ["error", "document", "window", "location", "navigator", "localStorage"],
    },
  },
  {
    files: ["dashboard/src/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    files: ["homepage/static/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    files: ["mobile_remote/*.mjs", "mobile_remote/tools/**/*.mjs", "dashboard/*.mjs", "extension/*.mjs", "extension/tools/**/*.mjs", "tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.node } },
  },
  {
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
    },
  },
];
