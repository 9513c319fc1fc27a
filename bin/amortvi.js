#!/usr/bin/env node
// The command line needs commander (and vega / vega-lite to draw a report's
// figures): optional peer dependencies, installed in a clone of the repository
// (devDependencies) but not with the library (docs/adr/0010-lean-package.md).
// A missing one is named with the command that installs it (exit code 2).
import { readFileSync } from "node:fs";

const CLI_PEERS = ["commander", "vega", "vega-lite"];

function installHint(missing) {
  const peers = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).peerDependencies ?? {};
  return `npm install ${CLI_PEERS.map((name) => `"${name}@${peers[name] ?? "latest"}"`).join(" ")} (missing: ${missing})`;
}

import("../dist/cli.js").then((m) => m.main(process.argv)).catch((err) => {
  const missing = err && err.code === "ERR_MODULE_NOT_FOUND" && /Cannot find package '([^']+)'/.exec(String(err.message))?.[1];
  if (missing && CLI_PEERS.includes(missing)) {
    console.error(`amortvi: the command line needs ${CLI_PEERS.join(", ")}, optional peer dependencies that the library does not install: ${installHint(missing)}`);
    process.exit(2);
  }
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
