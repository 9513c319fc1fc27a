import { describe, it, expect } from "vitest";
import { runtime } from "../../src/core/runtime.js";
import { getF64, lcg, maxDiff, putF64 } from "../helpers/kernel-memory.js";

// gemmTNStrided (a column block of A^T B, used by the thread splits of
// src/core/parallel.ts) and the exported preActivationGrad, against plain loops.

const rt = runtime();
const randoms = lcg(777).f64;
const put = putF64;
const get = getF64;

describe("gemmTNStrided", () => {
  // A [K, lda]; the block uses columns i0 .. i0+M of A: C [M,N] = beta C + A[:, i0:i0+M]^T B
  const CASES: [K: number, lda: number, i0: number, M: number, N: number, beta: number][] = [
    [1, 1, 0, 1, 1, 0],
    [5, 9, 2, 3, 4, 1],
    [7, 13, 4, 9, 17, 0.5], // N >= 16: the packed-panel path
    [128, 40, 12, 20, 33, 1],
    [300, 70, 8, 41, 18, 0], // K > 256: two k blocks
  ];
  for (const [K, lda, i0, M, N, beta] of CASES) {
    it(`K=${K} lda=${lda} columns ${i0}..${i0 + M} N=${N} beta=${beta}`, () => {
      const a = randoms(K * lda);
      const b = randoms(K * N);
      const c = randoms(M * N);
      const pa = put(a);
      const pb = put(b);
      const pc = put(c);
      rt.k.gemmTNStrided(pa + i0 * 8, lda, pb, pc, M, K, N, beta);
      const want = new Float64Array(M * N);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = beta * c[i * N + j];
          for (let k = 0; k < K; k++) s += a[k * lda + i0 + i] * b[k * N + j];
          want[i * N + j] = s;
        }
      expect(maxDiff(get(pc, M * N), want)).toBeLessThan(1e-12 * K);
    });
  }

  it("with lda = M it is gemmTN, bit for bit", () => {
    const [M, K, N] = [24, 50, 20];
    const pa = put(randoms(K * M));
    const pb = put(randoms(K * N));
    const c1 = put(new Float64Array(M * N));
    const c2 = put(new Float64Array(M * N));
    rt.k.gemmTN(pa, pb, c1, M, K, N, 0);
    rt.k.gemmTNStrided(pa, M, pb, c2, M, K, N, 0);
    expect(Array.from(get(c2, M * N))).toEqual(Array.from(get(c1, M * N)));
  });
});

describe("preActivationGrad", () => {
  it("dpre = dy * (1 - y^2) for tanh and db += column sums", () => {
    const [B, n] = [5, 7];
    const y = Float64Array.from(randoms(B * n), Math.tanh);
    const dy = randoms(B * n);
    const db0 = randoms(n);
    const [py, pdy, pdpre, pdb] = [put(y), put(dy), put(new Float64Array(B * n)), put(db0)];
    rt.k.preActivationGrad(py, pdy, pdpre, pdb, B, n, 1, 0);
    const dpre = Array.from(dy, (d, i) => d * (1 - y[i] * y[i]));
    const db = Array.from(db0, (v, j) => v + dpre.filter((_, i) => i % n === j).reduce((s, x) => s + x, 0));
    expect(maxDiff(get(pdpre, B * n), dpre)).toBeLessThan(1e-15);
    expect(maxDiff(get(pdb, n), db)).toBeLessThan(1e-14);
  });
});
