import { describe, it, expect } from "vitest";
import { Tensor, Rng, DiagNormal, Normal, ShapeError, kl } from "../../src/index.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";
import { meanAndStdErr } from "../helpers/quadrature.js";

const logPdf = (x: number, m: number, ls: number) => -0.5 * ((x - m) / Math.exp(ls)) ** 2 - ls - 0.5 * Math.log(2 * Math.PI);

describe("DiagNormal", () => {
  const mean = [[0.5, -1, 2], [0, 0.3, -0.2]];
  const logStd = [0.1, -0.5, 0.4];
  it("logProb sums the event dims -> [B] and equals the sum of elementwise Normals", () => {
    const x = [[1, 0, 2], [-1, 0.5, 0]];
    const d = new DiagNormal(Tensor.from(mean), Tensor.from(logStd));
    const got = d.logProb(Tensor.from(x));
    expect(got.shape).toEqual([2]);
    got.toArray().forEach((v, b) => {
      expect(v).toBeCloseTo(x[b].reduce((s, xi, j) => s + logPdf(xi, mean[b][j], logStd[j]), 0), 12);
    });
  });
  it("entropy is [B] and sums 0.5 log(2 pi e) + logStd", () => {
    const h = new DiagNormal(Tensor.from(mean), Tensor.from(logStd)).entropy();
    expect(h.shape).toEqual([2]);
    const want = 1.5 * Math.log(2 * Math.PI * Math.E) + 0.1 - 0.5 + 0.4;
    h.toArray().forEach((v) => expect(v).toBeCloseTo(want, 12));
  });
  it("rsample moments per dimension match (n = 1e5 rows)", () => {
    const n = 100000;
    const d = new DiagNormal(Tensor.from([1, -2]), Tensor.from([Math.log(0.5), Math.log(2)]));
    const z = d.sample(new Rng(8), [n, 2]).toArray();
    [[1, 0.5], [-2, 2]].forEach(([m, s], j) => {
      const { mean: mu, variance } = meanAndStdErr(z.filter((_, i) => i % 2 === j));
      expect(Math.abs(mu - m)).toBeLessThan((4 * s) / Math.sqrt(n));
      expect(Math.abs(variance - s * s)).toBeLessThan(4 * s * s * Math.sqrt(2 / n));
    });
  });
  it.each(CHECK_SHAPES)("logProb of an rsample: gradient matches finite differences for [%i, %i]", (r, c) => {
    const f = (m: Tensor, ls: Tensor) => {
      const q = new DiagNormal(m, ls);
      return q.logProb(q.rsample(new Rng(9)));
    };
    expect(gradCheck(f, [{ shape: [r, c] }, { shape: [c] }])).toBeLessThan(1e-6);
  });
  it("closed-form KL matches a Monte Carlo estimate (n = 1e5, 4 standard errors)", () => {
    const q = new DiagNormal(Tensor.from([[0.3, -0.5]]), Tensor.from([[-0.2, 0.4]]));
    const p = new DiagNormal(Tensor.from([[0, 0.5]]), Tensor.from([[0.1, 0]]));
    const n = 100000;
    const z = q.sample(new Rng(10), [n, 2]);
    const lq = q.logProb(z).toArray();
    const lp = p.logProb(z).toArray();
    const { mean, se } = meanAndStdErr(lq.map((v, i) => v - lp[i]));
    expect(Math.abs(kl(q, p).item() - mean)).toBeLessThan(4 * se);
  });
  it("rejects a logStd that does not broadcast against the mean", () => {
    expect(() => new DiagNormal(Tensor.zeros([2, 3]), Tensor.zeros([2]))).toThrow(/logStd/);
    expect(() => new DiagNormal(Tensor.zeros([2, 3]), Tensor.zeros([2]))).toThrow(ShapeError);
  });
  it("KL between a DiagNormal and a Normal has no closed form here", () => {
    expect(() => kl(new DiagNormal(Tensor.zeros([1]), Tensor.zeros([1])), new Normal(0, 1))).toThrow(/DiagNormal-Normal/);
  });
});
