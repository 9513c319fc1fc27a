// A numeric table read from a user's file (CSV, JSON, .npy): the one shape
// every reader returns and every study's --data consumes.
import { AmortviError, NonFiniteError } from "../core/errors.js";

/** rows x cols numbers, row-major in `values`; `columns` holds the header names when the file had them. */
export interface DataTable {
  rows: number;
  cols: number;
  /** values[r * cols + c] is row r, column c (0-based here; errors count from 1 as a person does). */
  values: Float64Array;
  columns?: string[];
}

/** A data file that cannot be read as a numeric table: bad syntax, a non-number, an unsupported dtype, a truncated file. */
export class DataFormatError extends AmortviError {}

/**
 * Where a cell is, as a person finds it in the file: `x.csv, line 4 (data row 3), column 2 ("y")`.
 * `row` and `column` are 1-based; `line` only for line-oriented formats.
 */
export function cellLocation(file: string, where: { row: number; line?: number; column?: number; name?: string }): string {
  const row = where.line !== undefined ? `line ${where.line} (data row ${where.row})` : `row ${where.row}`;
  const col = where.column !== undefined ? `, column ${where.column}${where.name ? ` (${JSON.stringify(where.name)})` : ""}` : "";
  return `${file}, ${row}${col}`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity|na)$/i;

/**
 * Parses one text cell strictly: a decimal number (e.g. `-1.5e3`) is returned,
 * `NaN` / `Inf` / `NA` throw NonFiniteError, anything else (empty, `1,5`, `0x1`, `abc`)
 * throws DataFormatError; both name `location`.
 */
export function parseCell(text: string, location: string): number {
  const t = text.trim();
  if (NUMBER.test(t)) {
    const v = Number(t);
    if (Number.isFinite(v)) return v;
    throw new NonFiniteError(location, "a finite number", JSON.stringify(t), "overflows a 64-bit float");
  }
  if (NON_FINITE.test(t)) throw new NonFiniteError(location, "a finite number", JSON.stringify(t));
  throw new DataFormatError(location, "a number", t === "" ? "an empty field" : JSON.stringify(t));
}

/** Whether `text` reads as a number or a non-finite marker (used to tell a header line from a data line). */
export function looksNumeric(text: string): boolean {
  const t = text.trim();
  return NUMBER.test(t) || NON_FINITE.test(t);
}

/** "1 column", "3 columns". */
export function columnsText(n: number): string {
  return `${n} column${n === 1 ? "" : "s"}`;
}

/** A column of a table as its own array. */
export function tableColumn(table: DataTable, c: number): Float64Array {
  return Float64Array.from({ length: table.rows }, (_, r) => table.values[r * table.cols + c]);
}
