import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NonFiniteError, ShapeError, UnknownNameError } from "../../src/core/errors.js";
import { DataFormatError, parseCell, readDataFile, tableColumn } from "../../src/data/readers.js";
import { npyBytes } from "./npy-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "amortvi-data-"));
function fixture(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
/** The typed error `fn` throws (fails the test if it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

describe("parseCell", () => {
  it("reads decimal numbers strictly", () => {
    expect(["1", "-2.5", "+.5", "3e-2", " 4. ", "1E3"].map((t) => parseCell(t, "here"))).toEqual([1, -2.5, 0.5, 0.03, 4, 1000]);
  });
  it.each([["NaN"], ["nan"], ["-inf"], ["Infinity"], ["NA"], ["1e999"]])("%s is a NonFiniteError", (t) => {
    expect(thrown(() => parseCell(t, "x.csv, line 2 (data row 1), column 1"))).toBeInstanceOf(NonFiniteError);
  });
  it.each([[""], ["abc"], ["1,5"], ["0x10"], ["1 2"]])("%j is a DataFormatError", (t) => {
    const e = thrown(() => parseCell(t, "loc"));
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.message).toMatch(/^loc: expected a number, received/);
  });
});

describe("CSV", () => {
  it("reads a header and numeric columns, with the file's sha256", () => {
    const text = "x,y\n1,2\n3.5,-4\n\n5,6e1\n";
    const f = readDataFile(fixture("a.csv", text));
    expect(f.table).toEqual({ rows: 3, cols: 2, values: Float64Array.from([1, 2, 3.5, -4, 5, 60]), columns: ["x", "y"] });
    expect(f.format).toBe("csv");
    expect(f.sha256).toBe(createHash("sha256").update(text).digest("hex"));
    expect(Array.from(tableColumn(f.table, 1))).toEqual([2, -4, 60]);
  });
  it("reads headerless files, CRLF, '#' comments, quoted headers and whitespace columns (numpy.savetxt)", () => {
    expect(readDataFile(fixture("b.csv", "1,2\r\n3,4\r\n")).table).toEqual({ rows: 2, cols: 2, values: Float64Array.from([1, 2, 3, 4]) });
    expect(readDataFile(fixture("c.csv", '# made by hand\n"x","y z"\n1,2\n')).table.columns).toEqual(["x", "y z"]);
    expect(readDataFile(fixture("d.txt", "# x y\n1.000000000000000000e+00 2.5e+00\n3.0e+00 4.0e+00\n")).table.values).toEqual(Float64Array.from([1, 2.5, 3, 4]));
    expect(readDataFile(fixture("e.tsv", "a\tb\n1\t2\n")).table.columns).toEqual(["a", "b"]);
    expect(readDataFile(fixture("f.csv", "y\n-4\n0\n4\n")).table).toMatchObject({ rows: 3, cols: 1 });
  });
  it("names file, line, data row and column for a wrong column count", () => {
    const path = fixture("cols.csv", "x,y\n1,2\n3,4,5\n");
    const e = thrown(() => readDataFile(path));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe(`${path}, line 3 (data row 2): expected 2 columns (as in the header), received 3 columns`);
    const e2 = thrown(() => readDataFile(fixture("cols2.csv", "1,2\n3\n")));
    expect(e2.message).toMatch(/cols2\.csv, line 2 \(data row 2\): expected 2 columns \(as in line 1\), received 1 column$/);
  });
  it("names file, line, row and column for NaN and for a non-number", () => {
    const path = fixture("nan.csv", "x,y\n1,2\n\n3,NaN\n");
    const e = thrown(() => readDataFile(path));
    expect(e).toBeInstanceOf(NonFiniteError);
    expect(e.message).toBe(`${path}, line 4 (data row 2), column 2 ("y"): expected a finite number, received "NaN"`);
    const bad = fixture("bad.csv", "1,2\n3,abc\n");
    const e2 = thrown(() => readDataFile(bad));
    expect(e2).toBeInstanceOf(DataFormatError);
    expect(e2.message).toBe(`${bad}, line 2 (data row 2), column 2: expected a number, received "abc"`);
    expect(thrown(() => readDataFile(fixture("empty-field.csv", "x,y\n1,\n"))).message).toMatch(/line 2 \(data row 1\), column 2 \("y"\): expected a number, received an empty field/);
    expect(thrown(() => readDataFile(fixture("inf.csv", "x\n1\n-Inf\n")))).toBeInstanceOf(NonFiniteError);
  });
  it("rejects an empty file and a header without data", () => {
    expect(thrown(() => readDataFile(fixture("empty.csv", "\n# nothing\n"))).message).toMatch(/empty\.csv: expected at least one data line/);
    expect(thrown(() => readDataFile(fixture("header.csv", "x,y\n"))).message).toMatch(/header\.csv: expected at least one data line after the header, received a header only/);
  });
  it("a first line with some numbers is data, and its bad field is reported", () => {
    const e = thrown(() => readDataFile(fixture("mixed.csv", "1,y\n2,3\n")));
    expect(e.message).toMatch(/mixed\.csv, line 1 \(data row 1\), column 2: expected a number, received "y"/);
  });
});

describe("JSON", () => {
  it("reads an array of numbers, of rows, of objects, and an object of columns", () => {
    expect(readDataFile(fixture("a.json", "[1, 2.5, -3]")).table).toEqual({ rows: 3, cols: 1, values: Float64Array.from([1, 2.5, -3]) });
    expect(readDataFile(fixture("b.json", "[[1, 2], [3, 4]]")).table).toEqual({ rows: 2, cols: 2, values: Float64Array.from([1, 2, 3, 4]) });
    expect(readDataFile(fixture("c.json", '[{"x": 1, "y": 2}, {"y": 4, "x": 3}]')).table).toEqual({ rows: 2, cols: 2, values: Float64Array.from([1, 2, 3, 4]), columns: ["x", "y"] });
    expect(readDataFile(fixture("d.json", '{"x": [1, 3], "y": [2, 4]}')).table).toEqual({ rows: 2, cols: 2, values: Float64Array.from([1, 2, 3, 4]), columns: ["x", "y"] });
  });
  it("names the row and column of a wrong row length", () => {
    const path = fixture("rows.json", "[[1, 2], [3, 4], [5]]");
    const e = thrown(() => readDataFile(path));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe(`${path}, row 3: expected 2 columns (as row 1), received 1 column`);
    const cols = fixture("cols.json", '{"x": [1, 2, 3], "y": [1, 2]}');
    expect(thrown(() => readDataFile(cols)).message).toBe(`${cols}, column "y": expected 3 values (as column "x"), received 2 values`);
    expect(thrown(() => readDataFile(fixture("keys.json", '[{"x": 1}, {"z": 2}]'))).message).toMatch(/row 2: expected the keys of row 1 \(x\), received keys z/);
  });
  it("reports null, strings, and Python's bare NaN / Infinity at their row and column", () => {
    const path = fixture("null.json", '{"x": [1, null]}');
    const e = thrown(() => readDataFile(path));
    expect(e).toBeInstanceOf(NonFiniteError);
    expect(e.message).toBe(`${path}, row 2, column 1 ("x"): expected a finite number, received null (JSON's stand-in for NaN or Infinity)`);
    const py = fixture("py.json", "[[1, 2], [3, NaN]]");
    expect(thrown(() => readDataFile(py)).message).toBe(`${py}, row 2, column 2: expected a finite number, received NaN`);
    expect(thrown(() => readDataFile(fixture("py2.json", "[1, -Infinity]"))).message).toMatch(/row 2: expected a finite number, received -Infinity$/);
    const str = fixture("str.json", '[1, "2"]');
    const e3 = thrown(() => readDataFile(str));
    expect(e3).toBeInstanceOf(DataFormatError);
    expect(e3.message).toBe(`${str}, row 2: expected a number, received the string "2"`);
  });
  it("a syntax error names the file and the line", () => {
    const e = thrown(() => readDataFile(fixture("syntax.json", "[\n 1,\n 2,,\n]")));
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.message).toMatch(/syntax\.json, line 3, character 4: expected valid JSON, received a syntax error at ","$/);
    expect(thrown(() => readDataFile(fixture("nan-then-bad.json", "[NaN, 2 3]"))).message).toMatch(/line 1, character 9: expected valid JSON, received a syntax error at "3"$/);
    expect(thrown(() => readDataFile(fixture("open.json", "[1, 2"))).message).toMatch(/open\.json, line 1, character 6: expected valid JSON, received a syntax error at the end of the file$/);
    expect(thrown(() => readDataFile(fixture("quote.json", "{\x27x\x27: [1]}"))).message).toMatch(/line 1, character 2: expected valid JSON, received a syntax error at "\x27"$/);
    expect(thrown(() => readDataFile(fixture("scalar.json", "3"))).message).toMatch(/expected an array of rows or an object of columns, received 3/);
    expect(thrown(() => readDataFile(fixture("empty.json", "[]"))).message).toMatch(/expected at least one row, received an empty array/);
  });
});

describe(".npy", () => {
  it("reads numpy's own bytes (np.save of [[1.5, 2], [3, 4], [5, 6]], format 1.0; [1, 2.5], format 2.0)", () => {
    const v1 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQAAAAAAAABRAAAAAAAAAGEA=";
    const v2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAARA";
    expect(readDataFile(fixture("np1.npy", Buffer.from(v1, "base64"))).table).toEqual({ rows: 3, cols: 2, values: Float64Array.from([1.5, 2, 3, 4, 5, 6]) });
    expect(readDataFile(fixture("np2.npy", Buffer.from(v2, "base64"))).table).toEqual({ rows: 2, cols: 1, values: Float64Array.from([1, 2.5]) });
  });
  it.each([["<f8"], ["<f4"], ["<i4"], ["<i8"]] as const)("reads %s in C order, 1-D and 2-D, versions 1.0 and 2.0", (descr) => {
    const values = [1, -2, 3, 4, 5, 6];
    expect(readDataFile(fixture(`m${descr.slice(1)}.npy`, npyBytes(descr, [3, 2], values))).table).toEqual({ rows: 3, cols: 2, values: Float64Array.from(values) });
    expect(readDataFile(fixture(`v${descr.slice(1)}.npy`, npyBytes(descr, [6], values, { version: 2 }))).table).toEqual({ rows: 6, cols: 1, values: Float64Array.from(values) });
  });
  it("refuses fortran_order, other dtypes and other ranks with typed errors", () => {
    const fortran = fixture("fortran.npy", npyBytes("<f8", [2, 2], [1, 2, 3, 4], { fortran: true }));
    const e = thrown(() => readDataFile(fortran));
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.message).toBe(`${fortran}: expected a C-ordered array (fortran_order: False), received fortran_order: True (save np.ascontiguousarray(a) instead)`);
    const big = fixture("big.npy", npyBytes(">f8", [2], [1, 2]));
    expect(thrown(() => readDataFile(big)).message).toMatch(/big\.npy: expected a \.npy dtype among <f8, <f4, <i4, <i8 .*, received dtype '>f8'/);
    expect(thrown(() => readDataFile(fixture("i2.npy", npyBytes("<i2", [2], [1, 2]))))).toBeInstanceOf(DataFormatError);
    const cube = thrown(() => readDataFile(fixture("cube.npy", npyBytes("<f8", [1, 1, 2], [1, 2]))));
    expect(cube).toBeInstanceOf(ShapeError);
    expect(cube.message).toMatch(/expected a 1-D \(n,\) or 2-D \(rows, cols\) array, received shape \(1, 1, 2\)/);
  });
  it("names the row and column of a NaN, and rejects truncated or foreign files", () => {
    const path = fixture("nan.npy", npyBytes("<f8", [2, 3], [1, 2, 3, 4, NaN, 6]));
    const e = thrown(() => readDataFile(path));
    expect(e).toBeInstanceOf(NonFiniteError);
    expect(e.message).toBe(`${path}, row 2, column 2: expected a finite number, received NaN`);
    expect(thrown(() => readDataFile(fixture("short.npy", npyBytes("<f8", [4], [1, 2, 3, 4], { truncate: 8 })))).message).toMatch(/expected 32 bytes of data for shape \(4\), received 24 bytes \(a truncated file\)/);
    expect(thrown(() => readDataFile(fixture("text.npy", "1,2,3"))).message).toMatch(/expected a NumPy \.npy file/);
  });
});

describe("readDataFile", () => {
  it("chooses the reader from the extension and names unknown ones and missing files", () => {
    expect(thrown(() => readDataFile(join(dir, "x.xlsx")))).toBeInstanceOf(UnknownNameError);
    const e = thrown(() => readDataFile(join(dir, "missing.csv")));
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.message).toMatch(/missing\.csv: expected a readable file, received ENOENT/);
    expect(readDataFile(fixture("as-json.dat", "[1, 2]"), { format: "json" }).table.rows).toBe(2);
  });
});
