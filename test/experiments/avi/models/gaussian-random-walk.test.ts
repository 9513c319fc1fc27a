import { describe, it, expect } from "vitest";
import { Rng, Tensor, ShapeError, DomainError, noGrad } from "../../../../src/index.js";
import { GaussianRandomWalk } from "../../../../src/experiments/avi/models/gaussian-random-walk.js";
import { gradCheck } from "../../../helpers/gradcheck.js";
import { logNormalDense } from "../../../helpers/dense-gaussian.js";

describe("GaussianRandomWalk (a distribution over the plate's rows jointly)", () => {
  const N = 7;
  const walk = new GaussianRandomWalk({ N, initialStd: 1.5, stepStd: 0.7 });
  const z = [0.3, -0.2, 0.9, 1.4, 0.1, -0.6, 0.2];
  const ln = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

  it("logProb returns the per-step terms log N(z_n; z_{n-1}, s_n^2), summing to the dense log N(z; 0, Sigma)", () => {
    const lp = noGrad(() => walk.logProb(Tensor.from(z, [N, 1])).toArray());
    expect(lp).toHaveLength(N);
    expect(lp[0]).toBeCloseTo(ln(z[0], 0, 1.5), 12);
    for (let n = 1; n < N; n++) expect(lp[n]).toBeCloseTo(ln(z[n], z[n - 1], 0.7), 12);
    // Sigma_ij = s0^2 + st^2 min(i, j)
    const C = Array.from({ length: N * N }, (_, k) => 1.5 ** 2 + 0.49 * Math.min(Math.floor(k / N), k % N));
    expect(lp.reduce((a, b) => a + b, 0)).toBeCloseTo(logNormalDense(z, C), 10);
  });

  it("gradient of logProb w.r.t. z matches finite differences", () => {
    expect(gradCheck((v) => walk.logProb(v), [{ shape: [N, 1] }])).toBeLessThan(1e-6);
  });

  it("a draw is the cumulative sum of s_n e_n for the generator's normals e", () => {
    const draw = noGrad(() => walk.sample(new Rng(4), [N, 1]).toArray());
    const e = new Rng(4).normal([N, 1]).toArray();
    let acc = 0;
    e.forEach((en, n) => {
      acc += (n === 0 ? 1.5 : 0.7) * en;
      expect(draw[n]).toBeCloseTo(acc, 12);
    });
  });

  it("draws have the walk's covariance (Monte Carlo, 4000 draws)", () => {
    const rng = new Rng(9);
    const M = 4000;
    let v0 = 0;
    let vLast = 0;
    let c = 0;
    for (let m = 0; m < M; m++) {
      const d = noGrad(() => walk.sample(rng).toArray());
      v0 += d[0] ** 2 / M;
      vLast += d[N - 1] ** 2 / M;
      c += (d[2] * d[5]) / M;
    }
    expect(Math.abs(v0 - 2.25) / 2.25).toBeLessThan(0.08);
    expect(Math.abs(vLast - (2.25 + 6 * 0.49)) / (2.25 + 6 * 0.49)).toBeLessThan(0.08);
    expect(Math.abs(c - (2.25 + 2 * 0.49)) / (2.25 + 2 * 0.49)).toBeLessThan(0.1);
  });

  it("typed errors: a partial series, a wrong draw shape, bad settings", () => {
    expect(() => walk.logProb(Tensor.zeros([N - 1, 1]))).toThrow(ShapeError);
    expect(() => walk.logProb(Tensor.zeros([N - 1, 1]))).toThrow(/full batch only/);
    expect(() => walk.sample(new Rng(0), [3, 1])).toThrow(ShapeError);
    expect(() => new GaussianRandomWalk({ N: 1 })).toThrow(DomainError);
    expect(() => new GaussianRandomWalk({ N: 5, stepStd: 0 })).toThrow(/stepStd/);
  });
});
