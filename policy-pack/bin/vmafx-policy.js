#!/usr/bin/env node
// The vmafx-policy command: runs the compiled CLI (dist/cli.js). Plain JavaScript, so npm can
// link it as an executable before the package is built and nothing compiles at start-up.
"use strict";
require("../dist/cli").run(process.argv.slice(2));
