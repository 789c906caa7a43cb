// ESLint (flat config) for the phone remote: browser modules in src/, node build tools.
// ESLint finds this file from the linted files' folder, so `npx eslint mobile_remote` uses it.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["dist/**"] },
  js.configs.recommended,
  {
    files: ["src/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    files: ["src/lib/**/*.js"],
    languageOptions: { globals: { ...globals["shared-node-browser"] } },
    rules: {
      // Pure modules: no DOM (they run under node --test too).
      "no-restricted-globals": ["error", "document", "window", "location", "navigator", "localStorage"],
    },
  },
  {
    files: ["*.mjs", "tools/**/*.mjs", "eslint.config.js"],
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
