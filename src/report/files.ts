import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, basename } from "node:path";

let counter = 0;

/**
 * Writes `text` to `path` atomically: first to a temporary file in the same
 * folder, then renamed over `path` (a rename within one file system is
 * atomic), so an interrupted run leaves every earlier file whole and never a
 * half-written one.
 */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    await writeFile(tmp, text, "utf8");
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** JSON.stringify replacer: NaN and +-Infinity become the strings "NaN", "Infinity", "-Infinity" instead of null, typed arrays become arrays. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** Writes `value` as indented JSON to `path` atomically (see writeTextAtomic). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeTextAtomic(path, JSON.stringify(value, jsonReplacer, 2) + "\n");
}
