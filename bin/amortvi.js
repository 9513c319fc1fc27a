#!/usr/bin/env node
import("../dist/cli.js").then((m) => m.main(process.argv)).catch((err) => {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
