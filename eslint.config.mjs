// ESLint (flat config) for the whole workspace: JavaScript's recommended rules plus
// typescript-eslint's, checked by `npm test` (npm run lint).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: ["**/node_modules/**", "**/dist/**", "rendered/**", "examples/*/sdks/**", "components/generated/**", "test/e2e/tools/**"],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "module",
            globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" },
        },
        rules: {
            // Kubernetes manifests and policy props are open-ended JSON; `any` is their honest type there.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
            "no-duplicate-imports": "error",
            eqeqeq: ["error", "always", { null: "ignore" }],
            "prefer-const": "error",
        },
    },
    {
        files: ["**/*.js"],
        languageOptions: { sourceType: "commonjs" },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
