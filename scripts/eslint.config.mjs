// ESLint flat config for the browser tracking stand-ins (mock_server/tracking/static/*.js), used by
// scripts/lint-js. No imports: the linter is installed outside the repository (.cache/eslint), so the
// rules ESLint's "recommended" set would bring are listed here instead.
export default [
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: {
        window: "readonly", document: "readonly", navigator: "readonly", console: "readonly", URL: "readonly",
        URLSearchParams: "readonly", Image: "readonly", Blob: "readonly", TextEncoder: "readonly",
      },
    },
    rules: {
      "no-undef": "error",
      "no-unused-vars": ["error", {args: "none", caughtErrors: "none"}],
      "no-redeclare": "error",
      "no-dupe-keys": "error",
      "no-unreachable": "error",
      "no-empty": ["error", {allowEmptyCatch: true}],
      "no-fallthrough": "error",
      "no-func-assign": "error",
      "no-self-assign": "error",
      "no-shadow-restricted-names": "error",
      "no-unsafe-finally": "error",
      "use-isnan": "error",
      "valid-typeof": "error",
      "eqeqeq": "error",
      "strict": ["error", "function"],
      // The stand-ins must never log above debug level into a shop's page (tracking.md §2).
      "no-console": ["error", {allow: ["debug"]}],
      "no-restricted-properties": ["error",
        {object: "console", property: "error", message: "the stand-ins never log errors into the page"},
        {object: "console", property: "warn", message: "the stand-ins never log warnings into the page"}],
    },
  },
];
