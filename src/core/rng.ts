import { DomainError, assertInteger } from "./errors.js";
import { runtime, type Runtime } from "./runtime.js";
import { Tensor, type Lifetime } from "./tensor.js";

/** 32-bit splitmix-style mixing (Math.imul keeps it exact in JS). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The position of a generator: its Philox key and the next unused block (what a checkpoint stores). */
export interface RngState {
  key0: number;
  key1: number;
  counter: number;
}

const isU32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32;

/**
 * A seedable stream of random numbers from the Philox4x32-10 counter-based
 * generator running in Wasm. The stream is (key, counter): the same seed
 * gives the same numbers in Node and in the browser, and `fork(i)` gives
 * independent streams without shared state.
 */
export class Rng {
  private k0: number;
  private k1: number;
  /** Next unused Philox block. */
  counter = 0;

  constructor(
    readonly seed: number,
    readonly rt: Runtime = runtime(),
  ) {
    assertInteger("seed", seed, 0);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    this.k0 = mix32(lo ^ 0x9e3779b9);
    this.k1 = mix32(hi ^ mix32(lo + 0x632be5ab));
  }

  /** The Philox key (two 32-bit words derived from the seed, or set by setState). */
  get key0(): number {
    return this.k0;
  }

  get key1(): number {
    return this.k1;
  }

  /** The stream's position: key and counter (plain numbers, JSON-safe). */
  getState(): RngState {
    return { key0: this.k0, key1: this.k1, counter: this.counter };
  }

  /** Moves this generator to `state` (from getState() of any Rng): its next numbers are that generator's next numbers. */
  setState(state: RngState): void {
    Rng.assertState("state", state);
    this.k0 = state.key0;
    this.k1 = state.key1;
    this.counter = state.counter;
  }

  /** Throws DomainError unless `state` is a generator position: 32-bit keys and a safe integer counter >= 0. */
  static assertState(argument: string, state: unknown): asserts state is RngState {
    const s = state as Partial<RngState> | null;
    if (!s || typeof s !== "object" || !isU32(s.key0) || !isU32(s.key1) || !Number.isSafeInteger(s.counter) || s.counter! < 0) {
      throw new DomainError(argument, "a generator state { key0, key1: 32-bit integers, counter: an integer >= 0 }", JSON.stringify(state) ?? String(state));
    }
  }

  /** An independent stream derived from this one's seed and `stream`. */
  fork(stream: number): Rng {
    assertInteger("stream", stream, 0);
    return new Rng((mix32(this.key0 ^ mix32(stream)) * 2 ** 21 + (mix32(this.key1 + stream) >>> 11)) % 2 ** 53, this.rt);
  }

  /** Fills n f64 at ptr with uniforms in [0, 1). */
  fillUniform(ptr: number, n: number): void {
    this.rt.k.philoxUniform(ptr, n, this.key0, this.key1, this.counter);
    this.counter += Math.ceil(n / 2);
  }

  /** Fills n f64 at ptr with standard normals. */
  fillNormal(ptr: number, n: number): void {
    this.rt.k.philoxNormal(ptr, n, this.key0, this.key1, this.counter);
    this.counter += Math.ceil(n / 2);
  }

  uniform(shape: readonly number[], lifetime: Lifetime = "arena"): Tensor {
    const t = Tensor.empty(shape, lifetime, this.rt);
    this.fillUniform(t.ptr, t.size);
    return t;
  }

  normal(shape: readonly number[], lifetime: Lifetime = "arena"): Tensor {
    const t = Tensor.empty(shape, lifetime, this.rt);
    this.fillNormal(t.ptr, t.size);
    return t;
  }

  /** One uniform in [0, 1), for control flow in JS (not for bulk use). */
  nextUniform(): number {
    const a = this.rt.arena;
    const m = a.mark();
    const p = a.alloc(8);
    this.fillUniform(p, 1);
    const v = this.rt.f64[p / 8];
    a.restore(m);
    return v;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    assertInteger("n", n, 1);
    return Math.floor(this.nextUniform() * n);
  }

  /** A seeded permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    assertInteger("n", n, 1);
    const u = this.uniform([n]).toFloat64Array();
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(u[i] * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
