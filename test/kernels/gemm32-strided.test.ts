import { describe, it, expect } from "vitest";
import { runtime } from "../../src/core/runtime.js";
import { firstBitDifference, getF32, lcg, putF32 } from "../helpers/kernel-memory.js";

// gemm32TNStrided (a column block of A^T B, used by the f32 thread split of
// src/core/parallel.ts) against plain loops, and the row-split invariance the
// split relies on: rows r0..r1 of a gemm32 call (r0 % 4 == 0) are identical
// bit for bit to the same rows of the full call, also when the slice has
// fewer than 32 rows and so does not pack B while the full call does.

const rt = runtime();
const randoms = lcg(4242).f32;
const put = putF32;
const get = getF32;

describe("gemm32TNStrided", () => {
  // A [K, lda]; the block uses columns i0 .. i0+M of A: C [M,N] = beta C + A[:, i0:i0+M]^T B
  const CASES: [K: number, lda: number, i0: number, M: number, N: number, beta: number][] = [
    [1, 1, 0, 1, 1, 0],
    [5, 9, 2, 3, 4, 1], // narrow N: rows in lanes
    [9, 40, 4, 21, 2, 0.5], // narrow N = 2: 16-row tiles, a partial one
    [7, 13, 4, 9, 17, 0.5], // N >= 16: the packed op(A) panel
    [128, 40, 12, 20, 33, 1],
    [300, 70, 8, 41, 18, 0], // K > 256: two k blocks
    [260, 600, 36, 300, 257, 0], // K, N >= 256, M >= 32: B packed
  ];
  for (const [K, lda, i0, M, N, beta] of CASES) {
    it(`K=${K} lda=${lda} columns ${i0}..${i0 + M} N=${N} beta=${beta}`, () => {
      const a = randoms(K * lda);
      const b = randoms(K * N);
      const c = randoms(M * N);
      const [pa, pb, pc] = [put(a), put(b), put(c)];
      rt.k.gemm32TNStrided(pa + i0 * 4, lda, pb, pc, M, K, N, beta);
      const got = get(pc, M * N);
      let worst = "";
      for (let i = 0; i < M && !worst; i++)
        for (let j = 0; j < N; j++) {
          let s = beta * c[i * N + j];
          let scale = Math.abs(s);
          for (let k = 0; k < K; k++) {
            const p = a[k * lda + i0 + i] * b[k * N + j];
            s += p;
            scale += Math.abs(p);
          }
          if (!(Math.abs(got[i * N + j] - s) <= 1e-6 * scale)) worst = `C[${i}, ${j}] = ${got[i * N + j]}, expected ${s}`;
        }
      expect(worst).toBe("");
    });
  }

  it("with lda = M it is gemm32TN, bit for bit", () => {
    const [M, K, N] = [24, 50, 20];
    const pa = put(randoms(K * M));
    const pb = put(randoms(K * N));
    const [c1, c2] = [put(new Float32Array(M * N)), put(new Float32Array(M * N))];
    rt.k.gemm32TN(pa, pb, c1, M, K, N, 0);
    rt.k.gemm32TNStrided(pa, M, pb, c2, M, K, N, 0);
    expect(firstBitDifference(get(c2, M * N), get(c1, M * N))).toBe(-1);
  });
});

describe("gemm32 row ranges are bit-identical to the full call", () => {
  // [M, K, N, range length]: ranges of 28 rows do not pack B (M < 32), the full calls do (K, N >= 256)
  const SHAPES: [number, number, number, number][] = [
    [100, 784, 256, 28],
    [128, 256, 784, 32],
    [130, 300, 270, 12],
    [61, 37, 3, 8], // narrow N
    [45, 20, 9, 4],
  ];
  for (const [M, K, N, len] of SHAPES) {
    const ranges: [number, number][] = [];
    for (let r = 0; r < M; r += len) ranges.push([r, Math.min(r + len, M)]);
    it(`NN, NT and TN (strided) ${M}x${K}x${N} in ${len}-row ranges`, () => {
      const a = put(randoms(M * K)); // NN / NT: A [M,K]
      const at = put(randoms(K * M)); // TN: A [K,M]
      const b = put(randoms(K * N)); // NN / TN: B [K,N]
      const bt = put(randoms(N * K)); // NT: B [N,K]
      const full = () => put(new Float32Array(M * N));
      const [nn, nt, tn, nnR, ntR, tnR] = [full(), full(), full(), full(), full(), full()];
      rt.k.gemm32NN(a, b, nn, M, K, N, 0);
      rt.k.gemm32NT(a, bt, nt, M, K, N, 0, 0);
      rt.k.gemm32TN(at, b, tn, M, K, N, 0);
      for (const [r0, r1] of ranges) {
        rt.k.gemm32NN(a + r0 * K * 4, b, nnR + r0 * N * 4, r1 - r0, K, N, 0);
        rt.k.gemm32NT(a + r0 * K * 4, bt, ntR + r0 * N * 4, r1 - r0, K, N, 0, 0);
        rt.k.gemm32TNStrided(at + r0 * 4, M, b, tnR + r0 * N * 4, r1 - r0, K, N, 0);
      }
      expect(firstBitDifference(get(nnR, M * N), get(nn, M * N)), "NN").toBe(-1);
      expect(firstBitDifference(get(ntR, M * N), get(nt, M * N)), "NT").toBe(-1);
      expect(firstBitDifference(get(tnR, M * N), get(tn, M * N)), "TN").toBe(-1);
    });
  }
});
