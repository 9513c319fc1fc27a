// The shared-memory variant of the kernel module, derived from the same bytes
// (ADR 0006): asc emits one module that defines and exports its memory; for
// threads the memory must instead be *imported* as a shared memory with a
// maximum, so that several instances (one per thread) run on it. Rewriting
// the two sections involved keeps every function body byte-for-byte the
// same, so the threaded runtime runs exactly the code of the default one and
// the bundle carries one binary, not two.

const WASM_HEADER_BYTES = 8;
const SECTION_IMPORT = 2;
const SECTION_MEMORY = 5;
const KIND_MEMORY = 2;
const LIMITS_SHARED_MAX = 3;

/** Page limits of a module's memory: initial pages and the module's own maximum (if any). */
export interface MemoryLimits {
  initial: number;
  maximum: number | null;
}

function readLeb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let b: number;
  do {
    b = bytes[at++];
    value += (b & 127) * 2 ** shift;
    shift += 7;
  } while (b & 128);
  return [value, at];
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 128;
    out.push(b);
  } while (n > 0);
  return out;
}

const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

interface Section {
  id: number;
  body: Uint8Array;
}

function sections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let at = WASM_HEADER_BYTES;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    out.push({ id, body: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return out;
}

/** The limits of the one memory the module defines (throws if it imports one or defines several). */
export function definedMemoryLimits(bytes: Uint8Array): MemoryLimits {
  const all = sections(bytes);
  const mem = all.filter((s) => s.id === SECTION_MEMORY);
  if (mem.length !== 1) throw new Error("kernel module: expected one memory section");
  const [count, at] = readLeb(mem[0].body, 0);
  if (count !== 1) throw new Error(`kernel module: expected one memory, found ${count}`);
  const flags = mem[0].body[at];
  const [initial, next] = readLeb(mem[0].body, at + 1);
  const maximum = flags & 1 ? readLeb(mem[0].body, next)[0] : null;
  return { initial, maximum };
}

/**
 * The module bytes with its defined memory replaced by the import
 * env.memory (shared, initial..maximumPages); still exported as "memory".
 * Function, data and export sections are copied unchanged.
 */
export function sharedMemoryModuleBytes(bytes: Uint8Array, maximumPages: number): Uint8Array<ArrayBuffer> {
  const { initial } = definedMemoryLimits(bytes);
  const memoryImport = [...name("env"), ...name("memory"), KIND_MEMORY, LIMITS_SHARED_MAX, ...leb(initial), ...leb(maximumPages)];
  const out: number[] = Array.from(bytes.subarray(0, WASM_HEADER_BYTES));
  const push = (id: number, body: ArrayLike<number>) => {
    out.push(id, ...leb(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]);
  };
  let imported = false;
  for (const s of sections(bytes)) {
    if (s.id === SECTION_MEMORY) continue;
    if (s.id === SECTION_IMPORT) {
      // existing imports (e.g. env.abort) first: function indices do not move
      const [count, at] = readLeb(s.body, 0);
      push(SECTION_IMPORT, [...leb(count + 1), ...s.body.subarray(at), ...memoryImport]);
      imported = true;
      continue;
    }
    // the import section comes right after the type section (ids are ordered; 0 = custom)
    if (!imported && s.id !== 0 && s.id > SECTION_IMPORT) {
      push(SECTION_IMPORT, [...leb(1), ...memoryImport]);
      imported = true;
    }
    push(s.id, s.body);
  }
  return new Uint8Array(out);
}
