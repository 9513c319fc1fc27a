// Memory scopes in the spirit of tfjs-core's tidy / keep / dispose
// (tfjs-core src/engine.ts): a user never resets an arena by hand, and a
// tensor used after its scope ended throws DisposedTensorError.
//
// A tidy() scope is a region of the arena opened at the current position.
// When it ends, its memory goes back to the parent and the tensors it
// returns (and the ones keep() was called on) are moved down to the start of
// the freed space with one memmove per contiguous run, so the survivors are
// the only thing left and the parent's memory grows by exactly their size.
// Cost: an object per scope plus one copy per surviving tensor; nothing per op.
import { ALIGN, type ArenaScope } from "./arena.js";
import { DomainError } from "./errors.js";
import { runtime, type Runtime } from "./runtime.js";
import { Tensor } from "./tensor.js";

/** What tidy may return and dispose accepts: tensors, arrays and plain objects of them, other values (ignored). */
export type TensorContainer = Tensor | readonly TensorContainer[] | { readonly [key: string]: TensorContainer } | number | string | boolean | null | undefined | void;

let graphPending: () => boolean = () => false;

/**
 * @internal The tape reports whether a recorded graph may still read arena
 * tensors (recording, or recorded and awaiting backward). A tidy that ends
 * then frees nothing: its tensors join the parent scope (the step's arena
 * reset frees them), because backward closures still point at them.
 */
export function setGraphPendingCheck(check: () => boolean): void {
  graphPending = check;
}

const TIDY_ENDED = "the end of its tidy() scope";

/**
 * Runs `fn` in a new memory scope and returns its result. Every arena tensor
 * made inside (the temporaries of ops) is freed at the end, except the tensors
 * in the result (a Tensor, or arrays / plain objects of them) and those passed
 * to keep(). Persistent tensors are not the scope's: they belong to the object
 * that made them (a prior, a data set, a model's constants, which may be
 * built inside a scope and used after it) and live until dispose().
 * Returned arena tensors move to the enclosing scope (their `ptr` changes;
 * the Tensor objects are the same). Used after the scope, a freed tensor
 * throws DisposedTensorError. Inside a valueAndGrad step (while the graph
 * is recorded) nothing is freed early: the step's arena reset frees it.
 * `fn` must be synchronous. Scopes nest; they cover the runtime `rt`.
 */
export function tidy<T>(fn: () => T, rt: Runtime = runtime()): T {
  if (typeof fn !== "function") throw new DomainError("fn", "a function", typeof fn);
  const arena = rt.arena;
  const scope = arena.openScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeTidy(rt, scope, []);
    throw e;
  }
  if (result instanceof Promise) {
    closeTidy(rt, scope, []);
    throw new DomainError("fn", "a synchronous function (tidy cannot follow a Promise)", "a function returning a Promise");
  }
  closeTidy(rt, scope, tensorsIn(result));
  return result;
}

/**
 * Marks `t` to survive the end of every enclosing tidy() scope (an arena
 * tensor then lives in the root scope, until the next valueAndGrad reset
 * there; a persistent one until dispose()). Returns `t`.
 */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new DomainError("t", "a Tensor", describe(t));
  const arena = t.rt.arena;
  if (arena.depth > 0) arena.scope.kept.push(t);
  return t;
}

/**
 * Disposes every tensor in `container` (a tensor, an array or a plain object
 * of them, nested): persistent memory is released at once, arena tensors are
 * marked disposed (their memory returns with their scope). Later use throws
 * DisposedTensorError; disposing twice does nothing.
 */
export function dispose(container: TensorContainer): void {
  for (const t of tensorsIn(container)) t.dispose();
}

/** The tensors inside a value: itself, or the elements / values of arrays and plain objects, recursively. */
export function tensorsIn(value: unknown, out: Tensor[] = [], seen: Set<object> | null = null): Tensor[] {
  if (value instanceof Tensor) {
    out.push(value);
  } else if (typeof value === "object" && value !== null && !(seen ??= new Set()).has(value)) {
    seen.add(value);
    if (Array.isArray(value)) {
      for (const v of value) tensorsIn(v, out, seen);
    } else if (isPlainObject(value)) {
      for (const v of Object.values(value)) tensorsIn(v, out, seen);
    }
  }
  return out;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value === "object" ? (value.constructor?.name ?? "an object") : typeof value;
}

/** Ends `scope`: frees what it made except `returned` and its kept tensors, or merges it into the parent while a graph is pending. */
function closeTidy(rt: Runtime, scope: ArenaScope, returned: Tensor[]): void {
  const arena = rt.arena;
  if (arena.scope !== scope) throw new Error("amortvi: tidy scopes closed out of order");
  if (graphPending()) {
    arena.closeScope(false, TIDY_ENDED);
    const parent = arena.scope;
    if (arena.depth > 0) {
      parent.persistent.push(...scope.persistent);
      parent.kept.push(...scope.kept);
    }
    return;
  }
  const survivors = scope.kept.length > 0 ? [...returned, ...scope.kept] : returned;
  const outside: Move["tensors"] = [];
  const moves = arenaSurvivors(rt, scope, survivors, outside);
  const survivingRegions = scope.persistent.length > 0 ? new Set(survivors.map((t) => t.region.resolve())) : null;
  arena.closeScope(true, TIDY_ENDED);
  const parent = arena.scope;
  if (survivingRegions) {
    const kept = new Set(scope.kept);
    for (const t of scope.persistent) {
      const region = t.region.resolve();
      if (!region) continue;
      if (!survivingRegions.has(region)) t.releaseMemory(TIDY_ENDED);
      else if (!kept.has(t) && arena.depth > 0) parent.persistent.push(t);
    }
  }
  relocate(rt, moves, parent);
  for (const { t, ptr } of outside) t.relocate(ptr, parent.region);
  if (arena.depth > 0) for (const t of scope.kept) if (t.lifetime === "arena" && t.isLive) parent.kept.push(t);
}

/** A contiguous run of surviving arena memory and the tensors that point into it. */
interface Move {
  position: number;
  start: number;
  end: number;
  tensors: { t: Tensor; ptr: number }[];
}

/** The scope's surviving arena tensors grouped into runs of memory, in arena order (before the scope closes). */
function arenaSurvivors(rt: Runtime, scope: ArenaScope, survivors: Tensor[], outside: Move["tensors"]): Move[] {
  const runs: Move[] = [];
  const seen = survivors.length > 1 ? new Set<Tensor>() : null;
  for (const t of survivors) {
    if (t.lifetime !== "arena" || t.region.resolve() !== scope.region || seen?.has(t)) continue;
    seen?.add(t);
    const ptr = t.ptr;
    const start = ptr - (ptr % ALIGN);
    const end = Math.ceil((ptr + t.size * 8) / ALIGN) * ALIGN;
    const position = rt.arena.positionOf(start);
    // an "arena" tensor built over memory outside the arena's blocks stays where it is
    if (position < 0) outside.push({ t, ptr });
    else runs.push({ position, start, end, tensors: [{ t, ptr }] });
  }
  if (runs.length < 2) return runs;
  runs.sort((a, b) => a.position - b.position);
  const merged: Move[] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r.position < last.position + (last.end - last.start)) {
      last.end = Math.max(last.end, r.end);
      last.tensors.push(...r.tensors);
    } else {
      merged.push(r);
    }
  }
  return merged;
}

/**
 * Copies each run to the parent's next free space, in arena order. Every
 * destination lies at or before its source in arena order, so a copy never
 * overwrites a run still to be moved (memory.copy handles the overlap).
 */
function relocate(rt: Runtime, moves: Move[], parent: ArenaScope): void {
  for (const m of moves) {
    const bytes = m.end - m.start;
    const dst = rt.arena.alloc(bytes);
    if (dst !== m.start) rt.k.copy(dst, m.start, bytes / 8);
    for (const { t, ptr } of m.tensors) t.relocate(dst + (ptr - m.start), parent.region);
  }
}
