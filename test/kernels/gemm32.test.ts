import { describe, it, expect } from "vitest";
import { runtime } from "../../src/core/runtime.js";
import { getF32, lcg, putF32 } from "../helpers/kernel-memory.js";

// Raw f32 gemm kernels against a plain-TS f64 triple loop over the same
// (f32-rounded) inputs: per element |C - ref| <= 1e-6 * (sum_k |a||b| + |beta c|).

const rt = runtime();
const randoms = lcg(98765).f32;

const put = putF32;
const get = getF32;
const free = (ptr: number, n: number) => rt.release(ptr, Math.max(n, 1) * 4);

type Variant = "NN" | "NT" | "TN";
/** op(A)(i, k) op(B)(k, j) summed over k in f64, plus beta*C; also the error scale sum_k |a||b| + |beta c|. */
function reference(v: Variant, a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, beta: number) {
  const out = new Float64Array(M * N), scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = beta === 0 ? 0 : beta * c[i * N + j];
      let t = Math.abs(s);
      for (let k = 0; k < K; k++) {
        const p = (v === "TN" ? a[k * M + i] : a[i * K + k]) * (v === "NT" ? b[j * K + k] : b[k * N + j]);
        s += p;
        t += Math.abs(p);
      }
      out[i * N + j] = s;
      scale[i * N + j] = t;
    }
  return { out, scale };
}

/** Runs one variant on fresh copies; returns C. */
function run(v: Variant, a: Float32Array, b: Float32Array, c: Float32Array, M: number, K: number, N: number, beta: number, scratch: number) {
  const pa = put(a), pb = put(b), pc = put(c);
  if (v === "NN") rt.k.gemm32NN(pa, pb, pc, M, K, N, beta);
  else if (v === "TN") rt.k.gemm32TN(pa, pb, pc, M, K, N, beta);
  else rt.k.gemm32NT(pa, pb, pc, M, K, N, beta, scratch);
  const out = get(pc, M * N);
  free(pa, a.length), free(pb, b.length), free(pc, c.length);
  return out;
}

/** First element outside the tolerance, as a message, or null. */
function check(v: Variant, M: number, K: number, N: number, beta: number, scratch: number): string | null {
  const a = randoms(M * K), b = randoms(K * N);
  // beta = 0 must not read C: NaN there would leak into the result
  const c = beta === 0 ? new Float32Array(M * N).fill(NaN) : randoms(M * N);
  const got = run(v, a, b, c, M, K, N, beta, scratch);
  const { out, scale } = reference(v, a, b, c, M, K, N, beta);
  for (let e = 0; e < M * N; e++) {
    if (!(Math.abs(got[e] - out[e]) <= 1e-6 * scale[e])) {
      return `${v} M=${M} K=${K} N=${N} beta=${beta} scratch=${scratch !== 0}: C[${e}] = ${got[e]}, expected ${out[e]}`;
    }
  }
  return null;
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 13, 17];
// narrow N, shallow K, one k / n block exceeded, and the dense backward products (NT: B x nOut x nIn, TN: nIn x B x nOut)
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [5, 7, 3], [13, 1, 9], [100, 10, 50], [128, 256, 16], [128, 256, 2], [128, 2, 256], [128, 16, 256],
  [6, 300, 10], [5, 7, 261], [3, 270, 259], [9, 520, 11], [10, 20, 1000], [7, 40, 3],
  [128, 256, 784], [128, 32, 256], [128, 784, 16], [100, 50, 10], [100, 4, 50], [100, 50, 2],
  [13, 100, 4], [7, 300, 3], [21, 5, 1], [128, 256, 4],
  [784, 128, 24], [256, 128, 32], [16, 128, 256], [10, 100, 50], [50, 100, 4], [2, 100, 50], [50, 100, 10],
];
const CASES: [Variant, boolean][] = [["NN", false], ["NT", false], ["NT", true], ["TN", false]];

describe.each(CASES)("gemm32%s (scratch %s)", (v, withScratch) => {
  const scratch = withScratch ? rt.alloc(20000 * 4) : 0;
  it.each([0, 1, 0.5])("matches an f64 triple loop on all small shapes, beta %d", (beta) => {
    for (const M of SIZES)
      for (const K of SIZES)
        for (const N of SIZES) {
          const fail = check(v, M, K, N, beta, scratch);
          if (fail) expect.fail(fail);
        }
  });
  it.each(SHAPES)("matches an f64 triple loop on M=%i K=%i N=%i (beta 0 over NaN, beta 1)", (M, K, N) => {
    if (withScratch) expect(rt.k.gemm32NTScratchSize(K, N)).toBeLessThanOrEqual(20000);
    expect(check(v, M, K, N, 0, scratch)).toBeNull();
    expect(check(v, M, K, N, 1, scratch)).toBeNull();
  });
  it.each([[3, 0, 5], [9, 0, 2], [4, 0, 17]])("writes beta*C for an empty sum: M=%i K=%i N=%i", (M, K, N) => {
    expect(check(v, M, K, N, 0, scratch)).toBeNull();
    expect(check(v, M, K, N, 0.5, scratch)).toBeNull();
  });
  it("accumulates with beta 1: two half-depth products add up to the full one", () => {
    const [M, K, N] = [9, 40, 11];
    const a = randoms(M * K), b = randoms(K * N);
    const half = (part: 0 | 1) => {
      const h = K / 2, ah = new Float32Array(M * h), bh = new Float32Array(h * N);
      for (let i = 0; i < M; i++) for (let k = 0; k < h; k++) ah[v === "TN" ? k * M + i : i * h + k] = v === "TN" ? a[(k + part * h) * M + i] : a[i * K + k + part * h];
      for (let k = 0; k < h; k++) for (let j = 0; j < N; j++) bh[v === "NT" ? j * h + k : k * N + j] = v === "NT" ? b[j * K + k + part * h] : b[(k + part * h) * N + j];
      return { ah, bh, h };
    };
    const p0 = half(0), p1 = half(1);
    const first = run(v, p0.ah, p0.bh, new Float32Array(M * N).fill(NaN), M, p0.h, N, 0, scratch);
    const both = run(v, p1.ah, p1.bh, first, M, p1.h, N, 1, scratch);
    const { out, scale } = reference(v, a, b, new Float32Array(M * N), M, K, N, 0);
    for (let e = 0; e < M * N; e++) expect(Math.abs(both[e] - out[e])).toBeLessThanOrEqual(2e-6 * scale[e]);
  });
});

describe("gemm32 row splits", () => {
  // a call on rows [r0, r1) of A and C (r0 % 4 == 0) must reproduce those rows of the full call bit for bit
  const scratch = rt.alloc(20000 * 4);
  const SPLIT_SHAPES: [number, number, number][] = [[13, 7, 11], [30, 300, 2], [30, 40, 4], [29, 100, 1], [30, 20, 3], [21, 40, 19], [17, 260, 270], [40, 260, 270], [24, 20, 1000], [12, 50, 10]];
  it.each(["NN", "NT"] as const)("gemm32%s: row blocks give bit-identical rows", (v) => {
    for (const [M, K, N] of SPLIT_SHAPES)
      for (const beta of [0, 1]) {
        const a = randoms(M * K), b = randoms(K * N), c = randoms(M * N);
        const full = run(v, a, b, c, M, K, N, beta, scratch);
        for (const [r0, r1] of [[0, 4], [4, M], [8, Math.min(M, 13)], [M - (M % 4 || 4), M]]) {
          const part = run(v, a.subarray(r0 * K, r1 * K), b, c.subarray(r0 * N, r1 * N), r1 - r0, K, N, beta, scratch);
          const want = full.subarray(r0 * N, r1 * N);
          for (let e = 0; e < part.length; e++) {
            if (!Object.is(part[e], want[e])) expect.fail(`${v} M=${M} K=${K} N=${N} rows [${r0}, ${r1}) beta=${beta}: element ${e} ${part[e]} != ${want[e]}`);
          }
        }
      }
  });
});

describe("gemm32NTScratchSize", () => {
  it("is 0: B^T blocks are packed in the per-instance panel, scratch is ignored", () => {
    for (const [K, N] of [[256, 784], [16, 256], [20, 1000], [2, 50]]) expect(rt.k.gemm32NTScratchSize(K, N)).toBe(0);
    const [M, K, N] = [9, 20, 1000];
    const a = randoms(M * K), b = randoms(N * K), c = randoms(M * N);
    const scratch = rt.alloc(K * N * 4);
    const with_ = run("NT", a, b, c, M, K, N, 1, scratch), without = run("NT", a, b, c, M, K, N, 1, 0);
    expect(with_.every((x, e) => Object.is(x, without[e]))).toBe(true);
  });
});
