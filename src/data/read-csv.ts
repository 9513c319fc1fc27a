// Delimited text: CSV (","), ";" or tab separated, or whitespace-separated
// columns as numpy.savetxt writes them. Header optional, '#' comment lines and
// blank lines skipped, double-quoted fields allowed.
import { ShapeError } from "../core/errors.js";
import { DataFormatError, cellLocation, columnsText, looksNumeric, parseCell, type DataTable } from "./table.js";

export interface CsvOptions {
  /** true: the first non-comment line is a header; false: it is data; "auto" (default): a header iff none of its fields is a number. */
  header?: boolean | "auto";
  /** Field separator; default: "," if one of the first 20 lines has one, else tab, else ";", else runs of whitespace. */
  delimiter?: "," | ";" | "\t" | "whitespace";
}

/** The separator of the first lines: "," if any has one, else tab, else ";", else whitespace. */
function detectDelimiter(lines: readonly string[]): NonNullable<CsvOptions["delimiter"]> {
  for (const d of [",", "\t", ";"] as const) if (lines.some((l) => l.includes(d))) return d;
  return "whitespace";
}

/** Splits one line into fields; double quotes group a field ("" inside quotes is a literal quote). */
function splitLine(line: string, delimiter: NonNullable<CsvOptions["delimiter"]>): string[] {
  if (delimiter === "whitespace") return line.trim().split(/\s+/);
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === delimiter) {
      out.push(field);
      field = "";
    } else field += ch;
  }
  out.push(field);
  return out;
}

/**
 * Reads delimited text as a numeric table. Every data line must have as many
 * fields as the first one; a wrong count, a non-number or NaN / Inf throws a
 * typed error naming `file`, the line (1-based, as an editor shows it), the data row and the column.
 */
export function parseCsv(text: string, file: string, options: CsvOptions = {}): DataTable {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const content = lines.map((l, i) => ({ text: l, line: i + 1 })).filter((l) => l.text.trim() !== "" && !l.text.trimStart().startsWith("#"));
  if (content.length === 0) throw new DataFormatError(file, "at least one data line", "an empty file (only blank or '#' comment lines)");
  const delimiter = options.delimiter ?? detectDelimiter(content.slice(0, 20).map((l) => l.text));
  const first = splitLine(content[0].text, delimiter);
  const mode = options.header ?? "auto";
  const hasHeader = mode === "auto" ? first.every((f) => !looksNumeric(f)) : mode;
  const columns = hasHeader ? first.map((f) => f.trim()) : undefined;
  const body = hasHeader ? content.slice(1) : content;
  if (body.length === 0) throw new DataFormatError(file, "at least one data line after the header", "a header only");
  const cols = columns?.length ?? first.length;
  const values = new Float64Array(body.length * cols);
  body.forEach((l, r) => {
    const fields = splitLine(l.text, delimiter);
    if (fields.length !== cols) {
      const basis = columns ? "as in the header" : `as in line ${content[0].line}`;
      throw new ShapeError(cellLocation(file, { row: r + 1, line: l.line }), `${columnsText(cols)} (${basis})`, columnsText(fields.length));
    }
    fields.forEach((f, c) => {
      values[r * cols + c] = parseCell(f, cellLocation(file, { row: r + 1, line: l.line, column: c + 1, name: columns?.[c] }));
    });
  });
  return columns ? { rows: body.length, cols, values, columns } : { rows: body.length, cols, values };
}
