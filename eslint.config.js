// ESLint (flat config) for the extension, its build tools and the node --test suites.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: ["extension/dist/**", "node_modules/**", ".venv/**", "mobile_remote/**", "dashboard/dist/**", "homepage/**", "server/**", "tests/e2e/**"],
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
    files: ["extension/src/lib/**/*.js", "extension/src/constants.js"],
    languageOptions: {
      // Pure modules: no DOM, no chrome.* (they run under node --test too).
      globals: { ...globals["shared-node-browser"] },
    },
    rules: {
      "no-restricted-globals": ["error", "document", "window", "chrome", "location", "navigator"],
    },
  },
  {
    files: ["dashboard/src/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    files: ["dashboard/*.mjs", "extension/*.mjs", "extension/tools/**/*.mjs", "tests/js/**/*.js", "eslint.config.js"],
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
