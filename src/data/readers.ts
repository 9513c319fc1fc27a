// Reading a user's data file (Node only: node:fs, node:crypto): the format from
// the extension, the table validated by its reader, and a sha256 of the bytes
// so that results.json can say exactly which data a run used.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { UnknownNameError } from "../core/errors.js";
import { parseCsv, type CsvOptions } from "./read-csv.js";
import { parseJsonTable } from "./read-json.js";
import { parseNpy } from "./read-npy.js";
import { DataFormatError, type DataTable } from "./table.js";

export { parseCsv, type CsvOptions } from "./read-csv.js";
export { parseJsonTable } from "./read-json.js";
export { parseNpy } from "./read-npy.js";
export { DataFormatError, cellLocation, parseCell, tableColumn, type DataTable } from "./table.js";

export type DataFormat = "csv" | "json" | "npy";

/** File extensions and the format they select. */
export const DATA_EXTENSIONS: Readonly<Record<string, DataFormat>> = { ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".dat": "csv", ".json": "json", ".npy": "npy" };

/** A table together with where it came from. */
export interface DataFile {
  table: DataTable;
  /** Absolute path of the file read. */
  path: string;
  format: DataFormat;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  bytes: number;
}

export interface ReadDataOptions {
  /** Overrides the format chosen from the extension. */
  format?: DataFormat;
  /** CSV options (header, delimiter). */
  csv?: CsvOptions;
}

/** The format of `path` from its extension; UnknownNameError listing the known ones. */
export function dataFormatOf(path: string): DataFormat {
  const ext = extname(path).toLowerCase();
  const format = DATA_EXTENSIONS[ext];
  if (!format) throw new UnknownNameError(path, `a file ending in ${Object.keys(DATA_EXTENSIONS).join(", ")}`, ext === "" ? "no extension" : JSON.stringify(ext));
  return format;
}

/** Parses bytes already in memory as `format`; errors name `name` (a file name). */
export function parseDataBytes(bytes: Uint8Array, format: DataFormat, name: string, options: ReadDataOptions = {}): DataTable {
  if (format === "npy") return parseNpy(bytes, name);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataFormatError(name, "UTF-8 text", "bytes that are not UTF-8", `is it a binary file? (.npy files must end in .npy)`);
  }
  return format === "json" ? parseJsonTable(text, name) : parseCsv(text, name, options.csv);
}

/**
 * Reads a CSV / JSON / .npy file into a validated numeric table (readers:
 * read-csv.ts, read-json.ts, read-npy.ts) and hashes it. A missing or
 * unreadable file is a DataFormatError naming the path.
 */
export function readDataFile(path: string, options: ReadDataOptions = {}): DataFile {
  const format = options.format ?? dataFormatOf(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataFormatError(path, "a readable file", (err as NodeJS.ErrnoException).code ?? "an unreadable file", err instanceof Error ? err.message : undefined);
  }
  const table = parseDataBytes(bytes, format, path, options);
  return { table, path: resolve(path), format, sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length };
}
