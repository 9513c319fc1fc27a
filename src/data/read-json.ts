// JSON tables: an array of numbers (one column), an array of rows (arrays of
// numbers, or objects with the same keys), or an object of columns
// { name: [numbers] }. JSON has no NaN: null (what JSON.stringify writes for
// NaN) and the bare NaN / Infinity tokens Python's json module writes are
// reported as non-finite values at their row and column.
import { NonFiniteError, ShapeError } from "../core/errors.js";
import { jsonSyntaxError, lineColumn } from "./json-syntax.js";
import { DataFormatError, cellLocation, columnsText, type DataTable } from "./table.js";

const NON_FINITE_MARK = "\u0000amortvi-non-finite:";

/** Replaces bare NaN / Infinity / -Infinity tokens outside strings with marker strings, so JSON.parse accepts the file. */
function markNonFinite(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const m = /^-?(NaN|Infinity)/.exec(text.slice(i, i + 9));
    if (m) {
      out += JSON.stringify(NON_FINITE_MARK + m[0]);
      i += m[0].length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/** One JSON cell as a finite number, else a typed error naming the cell. */
function cell(value: unknown, location: string): number {
  if (typeof value === "number") return value;
  if (value === null) throw new NonFiniteError(location, "a finite number", "null (JSON's stand-in for NaN or Infinity)");
  if (typeof value === "string" && value.startsWith(NON_FINITE_MARK)) throw new NonFiniteError(location, "a finite number", value.slice(NON_FINITE_MARK.length));
  throw new DataFormatError(location, "a number", typeof value === "string" ? `the string ${JSON.stringify(value)}` : JSON.stringify(value));
}

function fromRows(rows: unknown[], file: string): DataTable {
  const first = rows[0];
  if (typeof first === "number" || first === null || typeof first === "string") {
    return { rows: rows.length, cols: 1, values: Float64Array.from(rows, (v, r) => cell(v, cellLocation(file, { row: r + 1 }))) };
  }
  if (Array.isArray(first)) {
    const cols = first.length;
    if (cols === 0) throw new ShapeError(cellLocation(file, { row: 1 }), "a row with at least one number", "an empty array");
    const values = new Float64Array(rows.length * cols);
    rows.forEach((row, r) => {
      if (!Array.isArray(row)) throw new DataFormatError(cellLocation(file, { row: r + 1 }), "an array of numbers (as row 1)", JSON.stringify(row));
      if (row.length !== cols) throw new ShapeError(cellLocation(file, { row: r + 1 }), `${columnsText(cols)} (as row 1)`, columnsText(row.length));
      row.forEach((v, c) => (values[r * cols + c] = cell(v, cellLocation(file, { row: r + 1, column: c + 1 }))));
    });
    return { rows: rows.length, cols, values };
  }
  if (typeof first === "object") {
    const columns = Object.keys(first as object);
    const cols = columns.length;
    if (cols === 0) throw new ShapeError(cellLocation(file, { row: 1 }), "an object with at least one key", "{}");
    const values = new Float64Array(rows.length * cols);
    rows.forEach((row, r) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) throw new DataFormatError(cellLocation(file, { row: r + 1 }), "an object of numbers (as row 1)", JSON.stringify(row));
      const keys = Object.keys(row);
      const missing = columns.filter((k) => !(k in row));
      if (keys.length !== cols || missing.length > 0) {
        throw new ShapeError(cellLocation(file, { row: r + 1 }), `the keys of row 1 (${columns.join(", ")})`, `keys ${keys.join(", ") || "none"}`);
      }
      columns.forEach((k, c) => (values[r * cols + c] = cell((row as Record<string, unknown>)[k], cellLocation(file, { row: r + 1, column: c + 1, name: k }))));
    });
    return { rows: rows.length, cols, values, columns };
  }
  throw new DataFormatError(cellLocation(file, { row: 1 }), "a number, an array of numbers or an object", JSON.stringify(first));
}

function fromColumns(obj: Record<string, unknown>, file: string): DataTable {
  const columns = Object.keys(obj);
  if (columns.length === 0) throw new DataFormatError(file, "an object of columns { name: [numbers] }", "{}");
  const lists = columns.map((k) => {
    const v = obj[k];
    if (!Array.isArray(v)) throw new DataFormatError(`${file}, column ${JSON.stringify(k)}`, "an array of numbers", JSON.stringify(v));
    return v;
  });
  const rows = lists[0].length;
  if (rows === 0) throw new DataFormatError(`${file}, column ${JSON.stringify(columns[0])}`, "at least one value", "an empty array");
  lists.forEach((l, c) => {
    if (l.length !== rows) throw new ShapeError(`${file}, column ${JSON.stringify(columns[c])}`, `${rows} values (as column ${JSON.stringify(columns[0])})`, `${l.length} values`);
  });
  const cols = columns.length;
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values[r * cols + c] = cell(lists[c][r], cellLocation(file, { row: r + 1, column: c + 1, name: columns[c] }));
  }
  return { rows, cols, values, columns };
}

/**
 * Reads a JSON table (see the file comment for the three layouts). Rows and
 * columns in errors are 1-based: row r is the r-th element of the top-level
 * array (or of each column's array).
 */
export function parseJsonTable(text: string, file: string): DataTable {
  let parsed: unknown;
  const source = text.replace(/^\uFEFF/, "");
  const marked = markNonFinite(source);
  try {
    parsed = JSON.parse(marked);
  } catch (err) {
    const at = jsonSyntaxError(source);
    if (!at) throw new DataFormatError(file, "valid JSON", "a syntax error", err instanceof Error ? err.message.slice(0, 200) : String(err));
    const { line, column } = lineColumn(source, at.offset);
    throw new DataFormatError(`${file}, line ${line}, character ${column}`, "valid JSON", `a syntax error at ${at.found}`);
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) throw new DataFormatError(file, "at least one row", "an empty array");
    return fromRows(parsed, file);
  }
  if (parsed !== null && typeof parsed === "object") return fromColumns(parsed as Record<string, unknown>, file);
  throw new DataFormatError(file, "an array of rows or an object of columns", JSON.stringify(parsed));
}
