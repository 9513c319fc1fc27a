// Node-only helpers of the training loop (file system); not exported from
// the browser-safe index: import "amortvi/dist/train/node.js" or this file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** A writer for checkpointCallback: writes to a temporary file next to `path`, then renames it over `path` (atomic). */
export function fileWriter(path: string): (text: string) => void {
  return (text) => {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
    try {
      writeFileSync(tmp, text, "utf8");
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  };
}
