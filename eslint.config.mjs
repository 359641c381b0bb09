// The linter of the map's browser code (`make lint`): plain scripts, run by the map's frame and the page.
import js from "@eslint/js";

export default [
    js.configs.recommended,
    {
        files: ["carte/browser/**/*.js"],
        languageOptions: {
            ecmaVersion: 2020,
            sourceType: "script",
            globals: {
                window: "readonly", document: "readonly", L: "readonly",
                XMLHttpRequest: "readonly", fetch: "readonly", setTimeout: "readonly",
            },
        },
        rules: {
            "no-var": "off",  // ES5-style scripts, as Leaflet's own examples
            strict: ["error", "function"],
            eqeqeq: "error",
            "no-implicit-globals": "error",
        },
    },
];
