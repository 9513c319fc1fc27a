import { describe, it, expect } from "vitest";
import { runtime } from "../../src/core/runtime.js";
import { getF64, lcg, maxDiff, putF64 } from "../helpers/kernel-memory.js";

// Raw gemm / dense kernels against plain triple loops.

const rt = runtime();
const randoms = lcg(12345).f64;
const put = putF64;
const get = getF64;

/** op(A)(i, k) op(B)(k, j) summed over k, plus beta*C. */
function reference(a: Float64Array, b: Float64Array, c: Float64Array, M: number, K: number, N: number, beta: number, tA: boolean, tB: boolean) {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = beta === 0 ? 0 : beta * c[i * N + j];
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i] : a[i * K + k]) * (tB ? b[j * K + k] : b[k * N + j]);
      out[i * N + j] = s;
    }
  return out;
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 17];
const VARIANTS = [
  ["gemmNN", false, false, false],
  ["gemmNT", false, true, false],
  ["gemmNT", false, true, true],
  ["gemmTN", true, false, false],
] as const;

describe.each(VARIANTS)("%s (scratch %s)", (name, tA, tB, withScratch) => {
  // gemmNT with scratch transposes B (N*K f64) when K is shallow
  const scratch = withScratch ? rt.alloc(300 * 270 * 8) : 0;
  const kernel = (a: number, b: number, c: number, M: number, K: number, N: number, beta: number) =>
    rt.k[name](a, b, c, M, K, N, beta, scratch);
  it.each([0, 1, 0.5])("matches a triple loop on all small shapes, beta %d", (beta) => {
    for (const M of SIZES)
      for (const K of SIZES)
        for (const N of SIZES) {
          const a = randoms(M * K), b = randoms(K * N);
          // beta = 0 must not read C: NaN there would leak into the result
          const c = beta === 0 ? new Float64Array(M * N).fill(NaN) : randoms(M * N);
          const pa = put(a), pb = put(b), pc = put(c);
          kernel(pa, pb, pc, M, K, N, beta);
          const diff = maxDiff(get(pc, M * N), reference(a, b, c, M, K, N, beta, tA, tB));
          if (!(diff < 1e-12)) expect.fail(`${name} M=${M} K=${K} N=${N} beta=${beta}: max diff ${diff}`);
          rt.release(pa, a.length * 8), rt.release(pb, b.length * 8), rt.release(pc, c.length * 8);
        }
  });
  it.each([
    [6, 300, 10],
    [5, 7, 261],
    [3, 270, 259],
    // narrow NN (N <= 4, K >= 32) runs as dot tiles on B^T in the panel, up to K*N = 8192
    [7, 33, 2],
    [9, 100, 3],
    [5, 40, 4],
    [4, 2048, 4],
    [3, 2049, 4],
  ])("matches a triple loop on shapes over one k or n block: M=%i K=%i N=%i", (M, K, N) => {
    const a = randoms(M * K), b = randoms(K * N), c = randoms(M * N);
    const pa = put(a), pb = put(b), pc = put(c);
    kernel(pa, pb, pc, M, K, N, 1);
    expect(maxDiff(get(pc, M * N), reference(a, b, c, M, K, N, 1, tA, tB))).toBeLessThan(1e-12);
  });
  it("leaves memory around C untouched", () => {
    const [M, K, N] = [5, 3, 7];
    const pa = put(randoms(M * K)), pb = put(randoms(K * N));
    const pc = put(new Float64Array(M * N + 4).fill(42));
    kernel(pa, pb, pc + 16, M, K, N, 0);
    const all = get(pc, M * N + 4);
    expect([all[0], all[1], all[M * N + 2], all[M * N + 3]]).toEqual([42, 42, 42, 42]);
  });
});

describe("gemmNTScratchSize", () => {
  it("asks for B^T only for shallow products", () => {
    expect(rt.k.gemmNTScratchSize(4, 10)).toBe(40);
    expect(rt.k.gemmNTScratchSize(300, 10)).toBe(0);
  });
});

describe("transposeAdd", () => {
  it.each([[1, 1], [3, 5], [8, 4], [9, 2]])("dst = beta*dst + src^T for [%i, %i]", (r, c) => {
    const src = randoms(r * c), dst = randoms(r * c);
    const ps = put(src), pd = put(dst);
    rt.k.transposeAdd(ps, pd, r, c, 2);
    const want = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) want[j * r + i] = 2 * dst[j * r + i] + src[i * c + j];
    expect(maxDiff(get(pd, r * c), want)).toBeLessThan(1e-15);
  });
});

const ACTS: [string, (z: number) => number, (z: number) => number][] = [
  ["identity", (z) => z, () => 1],
  ["tanh", Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  ["relu", (z) => Math.max(z, 0), (z) => (z > 0 ? 1 : 0)],
  ["leakyRelu", (z) => (z > 0 ? z : 0.2 * z), (z) => (z > 0 ? 1 : 0.2)],
  ["softplus", (z) => Math.log1p(Math.exp(z)), (z) => 1 / (1 + Math.exp(-z))],
  ["sigmoid", (z) => 1 / (1 + Math.exp(-z)), (z) => Math.exp(-z) / (1 + Math.exp(-z)) ** 2],
];

describe.each(ACTS.map((a, code) => [a[0], code, a[1], a[2]] as const))("dense kernels, %s", (_, act, f, df) => {
  it.each([[1, 1, 1], [3, 5, 2], [7, 4, 9], [20, 3, 5]])("forward and accumulating backward match loops, B=%i in=%i out=%i", (B, nIn, nOut) => {
    const x = randoms(B * nIn).map((v) => 3 * v), W = randoms(nIn * nOut), b = randoms(nOut), dy = randoms(B * nOut);
    const pre = new Float64Array(B * nOut);
    for (let r = 0; r < B; r++)
      for (let j = 0; j < nOut; j++) {
        let s = b[j];
        for (let i = 0; i < nIn; i++) s += x[r * nIn + i] * W[i * nOut + j];
        pre[r * nOut + j] = s;
      }
    const px = put(x), pW = put(W), pb = put(b), py = put(new Float64Array(B * nOut).fill(NaN));
    rt.k.denseForward(px, pW, pb, py, B, nIn, nOut, act, 0.2);
    expect(maxDiff(get(py, B * nOut), pre.map(f))).toBeLessThan(1e-12);

    const dpre = pre.map((z, i) => dy[i] * df(z));
    const dx0 = randoms(B * nIn), dW0 = randoms(nIn * nOut), db0 = randoms(nOut);
    const pdx = put(dx0), pdW = put(dW0), pdb = put(db0);
    const scratch = rt.alloc((B * nOut + rt.k.gemmNTScratchSize(nOut, nIn)) * 8);
    rt.k.denseBackward(px, pW, py, put(dy), pdx, pdW, pdb, B, nIn, nOut, act, 0.2, scratch);
    const dx = dx0.slice(), dW = dW0.slice(), db = db0.slice();
    for (let r = 0; r < B; r++)
      for (let j = 0; j < nOut; j++) {
        const d = dpre[r * nOut + j];
        db[j] += d;
        for (let i = 0; i < nIn; i++) {
          dx[r * nIn + i] += d * W[i * nOut + j];
          dW[i * nOut + j] += d * x[r * nIn + i];
        }
      }
    expect(maxDiff(get(pdx, B * nIn), dx)).toBeLessThan(1e-10);
    expect(maxDiff(get(pdW, nIn * nOut), dW)).toBeLessThan(1e-10);
    expect(maxDiff(get(pdb, nOut), db)).toBeLessThan(1e-10);
  });
  it("skips dx and db when their pointers are 0 and works without bias", () => {
    const [B, nIn, nOut] = [4, 3, 5];
    const x = randoms(B * nIn), W = randoms(nIn * nOut), dy = randoms(B * nOut);
    const px = put(x), pW = put(W), py = rt.alloc(B * nOut * 8);
    rt.k.denseForward(px, pW, 0, py, B, nIn, nOut, act, 0.2);
    const want = reference(x, W, new Float64Array(0), B, nIn, nOut, 0, false, false).map(f);
    expect(maxDiff(get(py, B * nOut), want)).toBeLessThan(1e-12);
    const pdW = put(new Float64Array(nIn * nOut));
    const pdy = put(dy);
    rt.k.denseBackward(px, pW, py, pdy, 0, pdW, 0, B, nIn, nOut, act, 0.2, rt.alloc((B + nIn) * nOut * 8));
    const dpre = reference(x, W, new Float64Array(0), B, nIn, nOut, 0, false, false).map((z, i) => dy[i] * df(z));
    expect(maxDiff(get(pdW, nIn * nOut), reference(x, dpre, new Float64Array(0), nIn, B, nOut, 0, true, false))).toBeLessThan(1e-12);
    expect(get(pdy, B * nOut)).toEqual(dy); // dy is read-only
  });
});

describe("dense activations", () => {
  // references in forms that keep full relative precision in both tails
  const exact: [number, (z: number) => number][] = [
    [1, Math.tanh],
    [4, (z) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)))],
    [5, (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))],
  ];
  it.each(exact)("activation %i is within a few ulps of a precise reference on [-40, 40]", (act, f) => {
    const n = 8001;
    const z = Float64Array.from({ length: n }, (_, i) => (i - 4000) / 100);
    const py = rt.alloc(n * 8), one = put(Float64Array.of(1));
    rt.k.denseForward(put(z), one, 0, py, n, 1, 1, act, 0);
    const y = get(py, n);
    let worst = 0;
    z.forEach((v, i) => {
      const r = f(v);
      if (r !== 0) worst = Math.max(worst, Math.abs(y[i] - r) / Math.abs(r));
    });
    expect(worst).toBeLessThan(4 * Number.EPSILON);
  });
});
