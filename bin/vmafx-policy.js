#!/usr/bin/env node
// Shim of the vmafx-policy command (policy-pack/cli.ts): compiles the TypeScript sources on the
// fly with ts-node in transpile-only mode (no type checking at start-up; `npm run typecheck` does it).
"use strict";
const path = require("path");

require("ts-node").register({
    transpileOnly: true,
    project: path.join(__dirname, "..", "policy-pack", "tsconfig.json"),
});
require("../policy-pack/cli").run(process.argv.slice(2));
