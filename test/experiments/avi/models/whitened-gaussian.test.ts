import { describe, it, expect } from "vitest";
import { Rng, Tensor, ShapeError, NonFiniteError, DomainError, noGrad } from "../../../../src/index.js";
import { WhitenedGaussian } from "../../../../src/experiments/avi/models/whitened-gaussian.js";
import { gradCheck } from "../../../helpers/gradcheck.js";
import { logNormalDense } from "../../../helpers/dense-gaussian.js";

describe("WhitenedGaussian (z ~ N(0, K) over the plate's rows jointly)", () => {
  const N = 5;
  // an RBF kernel with a nugget, length scale 1.5
  const K = Float64Array.from({ length: N * N }, (_, k) => {
    const [i, j] = [Math.floor(k / N), k % N];
    return 0.8 * Math.exp(-((i - j) ** 2) / (2 * 1.5 ** 2)) + (i === j ? 0.05 : 0);
  });
  const dist = new WhitenedGaussian(K, N);
  const z = [0.4, -0.1, 0.7, 1.1, -0.5];

  it("per-row whitened terms log N(u_n; 0, 1) - log L_nn sum to the dense log N(z; 0, K)", () => {
    const lp = noGrad(() => dist.logProb(Tensor.from(z, [N, 1])).toArray());
    expect(lp).toHaveLength(N);
    expect(lp.reduce((a, b) => a + b, 0)).toBeCloseTo(logNormalDense(z, K), 10);
    // the first row is the marginal of z_1: N(0, K_11)
    expect(lp[0]).toBeCloseTo(-0.5 * z[0] ** 2 / K[0] - 0.5 * Math.log(2 * Math.PI * K[0]), 12);
    const L = dist.choleskyFactor;
    let logDet = 0;
    for (let i = 0; i < N; i++) logDet += 2 * Math.log(L[i * N + i]);
    expect(dist.logDetCovariance).toBeCloseTo(logDet, 12);
  });

  it("gradient of logProb w.r.t. z matches finite differences", () => {
    expect(gradCheck((v) => dist.logProb(v), [{ shape: [N, 1] }])).toBeLessThan(1e-6);
  });

  it("a draw is z = L e for the generator's normals e, with covariance K (Monte Carlo)", () => {
    const d = noGrad(() => dist.sample(new Rng(3), [N, 1]).toArray());
    const e = new Rng(3).normal([N, 1]).toArray();
    const L = dist.choleskyFactor;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k <= i; k++) s += L[i * N + k] * e[k];
      expect(d[i]).toBeCloseTo(s, 12);
    }
    const rng = new Rng(8);
    const M = 4000;
    const C = new Float64Array(N * N);
    for (let m = 0; m < M; m++) {
      const v = noGrad(() => dist.sample(rng).toArray());
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) C[i * N + j] += (v[i] * v[j]) / M;
    }
    for (let k = 0; k < N * N; k++) expect(Math.abs(C[k] - K[k])).toBeLessThan(0.08);
  });

  it("typed errors: a partial series, a wrong draw shape, a bad covariance", () => {
    expect(() => dist.logProb(Tensor.zeros([N - 1, 1]))).toThrow(ShapeError);
    expect(() => dist.sample(new Rng(0), [2, 1])).toThrow(ShapeError);
    expect(() => new WhitenedGaussian([1, 2, 3], 2)).toThrow(ShapeError);
    expect(() => new WhitenedGaussian([1, NaN, NaN, 1], 2)).toThrow(NonFiniteError);
    expect(() => new WhitenedGaussian([1, 2, 2, 1], 2)).toThrow(DomainError);
    expect(() => new WhitenedGaussian([1, 2, 2, 1], 2)).toThrow(/covariance/);
  });
});
