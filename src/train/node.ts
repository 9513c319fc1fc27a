// Node-only helpers of the training loop (file system); not exported from
// the browser-safe index: import "amortvi/dist/train/node.js" or this file.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { load, save, type Savable } from "./save.js";
import type { Checkpoint } from "./checkpoint-state.js";

let counter = 0;

/** fsync of a folder (makes a rename in it durable); ignored where folders cannot be opened (Windows). */
function syncFolder(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // not supported on this platform: the rename is still atomic
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Writes `data` to `path` atomically and durably: a temporary file in the
 * same folder, written and fsynced, renamed over `path`, then the folder
 * fsynced. A crash at any point leaves either the old file or the new one.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    const fd = openSync(tmp, "w");
    try {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncFolder(dirname(path));
}

/** A writer for checkpointCallback: each checkpoint replaces the file at `path` atomically (writeFileAtomic). */
export function fileWriter(path: string): (data: Uint8Array | string) => void {
  return (data) => writeFileAtomic(path, data);
}

/** save(target) into the file at `path` (atomically). */
export function saveFile(target: Savable, path: string): void {
  writeFileAtomic(path, save(target));
}

/** load(target, the bytes of the file at `path`). */
export function loadFile(target: Savable, path: string): Checkpoint {
  return load(target, new Uint8Array(readFileSync(path)));
}

/** The bytes of a checkpoint file (for fit({ resume })). */
export function readCheckpointFile(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
