// NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian float64,
// float32, int32 or int64, C order, 1-D (one column) or 2-D. Anything else
// (fortran_order, big-endian, other dtypes, 3-D) is refused with a typed error
// saying what to convert to; numpy.save(path, np.ascontiguousarray(a, "<f8")) always works.
import { NonFiniteError, ShapeError } from "../core/errors.js";
import { DataFormatError, cellLocation, type DataTable } from "./table.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The supported dtypes: byte size and reader. */
const DTYPES: Record<string, { size: number; read: (view: DataView, offset: number) => number }> = {
  "<f8": { size: 8, read: (v, o) => v.getFloat64(o, true) },
  "<f4": { size: 4, read: (v, o) => v.getFloat32(o, true) },
  "<i4": { size: 4, read: (v, o) => v.getInt32(o, true) },
  "<i8": { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
};

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

function readHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new DataFormatError(file, "a NumPy .npy file (starting with \\x93NUMPY)", "other bytes");
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) [headerLength, start] = [view.getUint16(8, true), 10];
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DataFormatError(file, "a complete .npy header", "a truncated file");
    [headerLength, start] = [view.getUint32(8, true), 12];
  } else throw new DataFormatError(file, ".npy format version 1.0, 2.0 or 3.0", `version ${major}.${bytes[7]}`);
  if (start + headerLength > bytes.length) throw new DataFormatError(file, "a complete .npy header", "a truncated file");
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new DataFormatError(file, "a .npy header with 'descr', 'fortran_order' and 'shape'", JSON.stringify(text.trim()));
  }
  const dims = shape.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  return { descr, fortranOrder: fortran === "True", shape: dims, dataOffset: start + headerLength };
}

/**
 * Reads a .npy array as a table: shape (n,) gives n rows x 1 column, (r, c)
 * r rows x c columns. Errors name `file` and, for a NaN / Inf, its 1-based row and column.
 */
export function parseNpy(bytes: Uint8Array, file: string): DataTable {
  const h = readHeader(bytes, file);
  const dtype = DTYPES[h.descr];
  if (!dtype) {
    throw new DataFormatError(file, `a .npy dtype among ${Object.keys(DTYPES).join(", ")} (little-endian float64 / float32 / int32 / int64)`, `dtype '${h.descr}'`, "convert with a.astype('<f8')");
  }
  if (h.fortranOrder) {
    throw new DataFormatError(file, "a C-ordered array (fortran_order: False)", "fortran_order: True", "save np.ascontiguousarray(a) instead");
  }
  if (h.shape.length < 1 || h.shape.length > 2) throw new ShapeError(file, "a 1-D (n,) or 2-D (rows, cols) array", `shape (${h.shape.join(", ")})`);
  const [rows, cols = 1] = h.shape;
  if (rows === 0 || cols === 0) throw new ShapeError(file, "at least one row and one column", `shape (${h.shape.join(", ")})`);
  const count = rows * cols;
  if (h.dataOffset + count * dtype.size > bytes.length) {
    throw new DataFormatError(file, `${count * dtype.size} bytes of data for shape (${h.shape.join(", ")})`, `${bytes.length - h.dataOffset} bytes`, "a truncated file");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, count * dtype.size);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = dtype.read(view, i * dtype.size);
    if (!Number.isFinite(v)) {
      throw new NonFiniteError(cellLocation(file, { row: Math.floor(i / cols) + 1, column: (i % cols) + 1 }), "a finite number", String(v));
    }
    if (h.descr === "<i8" && !Number.isSafeInteger(v)) {
      throw new DataFormatError(cellLocation(file, { row: Math.floor(i / cols) + 1, column: (i % cols) + 1 }), "an int64 within +-2^53 (exact as a float64)", String(view.getBigInt64(i * 8, true)));
    }
    values[i] = v;
  }
  return { rows, cols, values };
}
