// The bytes of a checkpoint or of saved parameters (docs/checkpoint-format.md):
//   magic "AMORTVI\n" | u32 version | u32 header length H | u32 CRC-32 of the header
//   | header: H bytes of UTF-8 JSON | zero padding to a multiple of 8
//   | payload: the tensors back to back, little-endian, each 8-byte aligned.
// The header names every tensor (name, dtype, shape, byte offset in the
// payload) and holds the payload's length and CRC-32, so a reader checks
// the whole file (magic, version, both checksums, every bound, finiteness)
// before it hands anything back. Plain Uint8Array in and out: Node and browsers.
import { CheckpointError } from "../core/errors.js";

/** The format version this build writes and reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

const MAGIC = "AMORTVI\n";
const PRELUDE = 20;

/** A tensor stored in a checkpoint file: f64 values (finite unless `nonFinite` is allowed) or i32 indices. */
export interface StoredTensor {
  name: string;
  data: Float64Array | Int32Array;
  /** f64 tensors must hold finite numbers unless this is set (e.g. the loss history, where a skipped step is NaN). */
  nonFinite?: boolean;
}

interface TensorEntry {
  name: string;
  dtype: "f64" | "i32";
  length: number;
  offset: number;
  nonFinite?: boolean;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320; the zlib / PNG checksum) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** JSON with NaN and +-Infinity kept (as { "$number": "NaN" }), so a state such as an aggressive schedule's -Infinity survives. */
export function stringifyState(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? { $number: String(v) } : v));
}

/** The inverse of stringifyState. */
export function parseState(text: string): unknown {
  return JSON.parse(text, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$number === "string" ? Number(v.$number) : v));
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The file of `meta` (any JSON value, with non-finite numbers kept) and `tensors`. */
export function encodeContainer(kind: string, meta: unknown, tensors: readonly StoredTensor[]): Uint8Array {
  if (!littleEndian) throw new CheckpointError("platform", "a little-endian platform (the format stores little-endian tensors)", "big-endian");
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.data instanceof Float64Array ? "f64" : "i32";
    entries.push({ name: t.name, dtype, length: t.data.length, offset, ...(t.nonFinite ? { nonFinite: true } : {}) });
    offset += align8(t.data.byteLength);
  }
  const payload = new Uint8Array(offset);
  tensors.forEach((t, i) => payload.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), entries[i].offset));
  const header = new TextEncoder().encode(
    stringifyState({ format: "amortvi", version: CHECKPOINT_FORMAT_VERSION, kind, meta, tensors: entries, payload: { bytes: payload.length, crc32: crc32(payload) } }),
  );
  const start = align8(PRELUDE + header.length);
  const out = new Uint8Array(start + payload.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(12, header.length, true);
  view.setUint32(16, crc32(header), true);
  out.set(header, PRELUDE);
  out.set(payload, start);
  return out;
}

/** What decodeContainer found: the kind ("fit", "params"), the meta value and the tensors by name (copies). */
export interface DecodedContainer {
  kind: string;
  meta: unknown;
  tensors: Map<string, Float64Array | Int32Array>;
}

/**
 * Reads a file of encodeContainer, checking everything first: magic, version
 * (an old JSON checkpoint or an unknown version is refused with the version
 * needed), header and payload lengths (truncation) and CRC-32s (corruption),
 * every tensor's bounds, and finiteness. Throws CheckpointError naming `argument`.
 */
export function decodeContainer(bytes: Uint8Array | string, argument = "checkpoint"): DecodedContainer {
  if (typeof bytes === "string") {
    const json = bytes.trimStart().startsWith("{");
    throw new CheckpointError(
      argument,
      `the bytes of an amortvi checkpoint (format version ${CHECKPOINT_FORMAT_VERSION}, a Uint8Array)`,
      json ? "a JSON text checkpoint (format version 0, written before checkpoint format 1)" : `a string of ${bytes.length} characters`,
      json ? `version ${CHECKPOINT_FORMAT_VERSION} is needed: load its parameters with an earlier amortvi and save them again` : undefined,
    );
  }
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError(argument, "the bytes of an amortvi checkpoint (a Uint8Array)", describe(bytes));
  if (bytes.length >= 1 && bytes[0] === 0x7b /* { */) {
    throw new CheckpointError(argument, `an amortvi checkpoint of format version ${CHECKPOINT_FORMAT_VERSION}`, "a JSON text checkpoint (format version 0)", `version ${CHECKPOINT_FORMAT_VERSION} is needed: load it with an earlier amortvi and save it again`);
  }
  if (bytes.length < PRELUDE || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new CheckpointError(argument, "an amortvi checkpoint (starting with the bytes AMORTVI\\n)", bytes.length < 8 ? `${bytes.length} bytes` : "other bytes (not a checkpoint, or truncated before its header)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      argument,
      `checkpoint format version ${CHECKPOINT_FORMAT_VERSION}`,
      `version ${version}`,
      version > CHECKPOINT_FORMAT_VERSION ? `written by a newer amortvi; version ${CHECKPOINT_FORMAT_VERSION} is needed by this one: upgrade amortvi to read it` : `version ${CHECKPOINT_FORMAT_VERSION} is needed`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (PRELUDE + headerLength > bytes.length) throw new CheckpointError(argument, `a header of ${headerLength} bytes`, `a file of ${bytes.length} bytes (truncated)`);
  const header = bytes.subarray(PRELUDE, PRELUDE + headerLength);
  if (crc32(header) !== view.getUint32(16, true)) throw new CheckpointError(argument, "a header matching its CRC-32", "a different checksum (the file is corrupted)");
  let parsed: { format?: unknown; version?: unknown; kind?: unknown; meta?: unknown; tensors?: unknown; payload?: { bytes?: unknown; crc32?: unknown } };
  try {
    parsed = parseState(new TextDecoder("utf-8", { fatal: true }).decode(header)) as typeof parsed;
  } catch (err) {
    throw new CheckpointError(argument, "a JSON header", "unreadable text", (err as Error).message);
  }
  if (!parsed || parsed.format !== "amortvi" || parsed.version !== version || typeof parsed.kind !== "string" || !Array.isArray(parsed.tensors) || !parsed.payload) {
    throw new CheckpointError(argument, "a header with format, version, kind, tensors and payload", "a header without them");
  }
  const start = align8(PRELUDE + headerLength);
  const size = parsed.payload.bytes;
  if (!Number.isSafeInteger(size) || start + (size as number) !== bytes.length) {
    throw new CheckpointError(argument, `a file of ${start} + ${String(size)} bytes`, `${bytes.length} bytes (${bytes.length < start + Number(size) ? "truncated" : "extra bytes"})`);
  }
  const payload = bytes.slice(start);
  if (crc32(payload) !== parsed.payload.crc32) throw new CheckpointError(argument, "tensors matching their CRC-32", "a different checksum (the file is corrupted)");
  const tensors = new Map<string, Float64Array | Int32Array>();
  for (const e of parsed.tensors as TensorEntry[]) {
    const width = e?.dtype === "f64" ? 8 : e?.dtype === "i32" ? 4 : 0;
    const ok = width > 0 && typeof e.name === "string" && !tensors.has(e.name) && Number.isSafeInteger(e.length) && e.length >= 0 && Number.isSafeInteger(e.offset) && e.offset >= 0 && e.offset % 8 === 0 && e.offset + e.length * width <= payload.length;
    if (!ok) throw new CheckpointError(`${argument} tensor ${JSON.stringify(e?.name)}`, "an entry { name, dtype f64 | i32, length, offset } inside the payload", JSON.stringify(e));
    const data = e.dtype === "f64" ? new Float64Array(payload.buffer, e.offset, e.length) : new Int32Array(payload.buffer, e.offset, e.length);
    if (e.dtype === "f64" && !e.nonFinite) {
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) throw new CheckpointError(`${argument} tensor ${e.name}`, "finite numbers", `${data[i]} at index ${i}`);
      }
    }
    tensors.set(e.name, data);
  }
  return { kind: parsed.kind, meta: parsed.meta, tensors };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v === "object" ? (v.constructor?.name ?? "an object") : `${typeof v} ${String(v).slice(0, 40)}`;
}
