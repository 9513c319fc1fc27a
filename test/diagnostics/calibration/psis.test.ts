import { describe, expect, it } from "vitest";
import { DomainError, ShapeError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/rng.js";
import { gpdFit, gpdQuantile } from "../../../src/diagnostics/calibration/generalized-pareto.js";
import { psisDiagnostic } from "../../../src/diagnostics/calibration/psis.js";

function uniforms(seed: number, n: number): Float64Array {
  const rng = new Rng(seed);
  const mark = rng.rt.arena.mark();
  const u = rng.uniform([n]).toFloat64Array();
  rng.rt.arena.restore(mark);
  return u.map((v) => v || 0.5);
}

describe("gpdFit (Zhang & Stephens 2009)", () => {
  it("recovers k and sigma of GPD draws by inversion", () => {
    for (const [k, sigma] of [[0.3, 2], [0.7, 0.5], [-0.2, 1]] as const) {
      const x = uniforms(7, 4000).map((u) => gpdQuantile(u, k, sigma));
      const fit = gpdFit(x, { weaklyInformativePrior: false });
      expect(Math.abs(fit.k - k)).toBeLessThan(0.06);
      expect(Math.abs(fit.sigma / sigma - 1)).toBeLessThan(0.08);
    }
  });

  it("the weak prior pulls k toward 0.5 by 10 / (n + 10)", () => {
    const x = uniforms(2, 20).map((u) => gpdQuantile(u, 0.1, 1));
    const raw = gpdFit(x, { weaklyInformativePrior: false }).k;
    expect(gpdFit(x).k).toBeCloseTo((raw * 20) / 30 + 5 / 30, 12);
  });

  it("gpdQuantile: k = 0 is the exponential; bad input named", () => {
    expect(gpdQuantile(0.5, 0, 2)).toBeCloseTo(2 * Math.log(2), 14);
    expect(gpdQuantile(0.5, 1e-9, 2)).toBeCloseTo(2 * Math.log(2), 7);
    expect(() => gpdFit([1])).toThrow(ShapeError);
    expect(() => gpdFit([1, -1])).toThrow(/exceedances: expected finite values >= 0/);
  });
});

describe("psisDiagnostic (Vehtari et al. 2024)", () => {
  it("k-hat of Pareto tails: log w = xi log(1 / U) has k = xi", () => {
    const S = 100_000;
    for (const xi of [0.2, 0.5, 0.8, 1.2]) {
      const lw = uniforms(11 + Math.round(xi * 10), S).map((u) => -xi * Math.log(u));
      const r = psisDiagnostic(lw);
      expect(r.tailLength).toBe(Math.ceil(3 * Math.sqrt(S)));
      expect(Math.abs(r.khat - xi)).toBeLessThan(0.12); // sd of k-hat ~ (1 + k) / sqrt(M) = 0.04-0.07 at M = 949
      expect(r.reliable).toBe(xi < 0.7);
    }
  });

  it("bounded weights (q wider than p, both Gaussian): k-hat < 0, ESS close to the exact S / E_q[w^2]", () => {
    // p = N(0, 1), q = N(0, 2^2): w = p / q, E_q[w^2] = 4 / sqrt(7) (so ESS / S -> sqrt(7) / 4 = 0.661)
    const S = 20_000;
    const rng = new Rng(4);
    const z = rng.normal([S]).toFloat64Array();
    const lw = z.map((zi) => {
      const x = 2 * zi;
      return -0.5 * x * x - (-0.5 * zi * zi - Math.log(2));
    });
    const r = psisDiagnostic(lw);
    expect(r.khat).toBeLessThan(0);
    expect(r.verdict).toBe("reliable");
    expect(Math.abs(r.ess / S - Math.sqrt(7) / 4)).toBeLessThan(0.02);
    expect(r.essRaw).toBeCloseTo(r.ess, -2);
    expect(r.ess).toBeGreaterThan(r.essThreshold);
    expect(r.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
  });

  it("q narrower than p: k = 1 - sigma_q^2 / sigma_p^2 (Vehtari et al. 2024, Section 3), flagged above 0.7", () => {
    // p = N(0, 1), q = N(0, s^2): under q, w ~ exp((1 - s^2) z^2 / 2), so P(w > t) ~ t^(-1 / (1 - s^2))
    const S = 20_000;
    for (const s of [0.5, 0.8]) {
      const rng = new Rng(5);
      const z = rng.normal([S]).toFloat64Array();
      const lw = z.map((zi) => {
        const x = s * zi;
        return -0.5 * x * x - (-0.5 * zi * zi - Math.log(s));
      });
      const r = psisDiagnostic(lw);
      expect(Math.abs(r.khat - (1 - s * s))).toBeLessThan(0.1);
      expect(r.reliable).toBe(1 - s * s < 0.7);
      // smoothing never raises a weight above the largest raw one
      expect(Math.max(...r.smoothedLogWeights)).toBeLessThanOrEqual(Math.max(...lw) + 1e-12);
      if (!r.reliable) expect(r.minDraws).toBeGreaterThan(1e3);
    }
  });

  it("threshold min(1 - 1 / log10 S, 0.7); tails too short or flat; bad input", () => {
    expect(psisDiagnostic(uniforms(1, 100)).khatThreshold).toBeCloseTo(0.5, 12);
    expect(psisDiagnostic(uniforms(1, 10_000)).khatThreshold).toBeCloseTo(0.7, 12);
    expect(psisDiagnostic(uniforms(1, 20)).khat).toBe(Infinity); // M = 4 < 5
    const flat = psisDiagnostic(new Float64Array(100).fill(-3));
    expect(flat.khat).toBe(-Infinity);
    expect(flat.ess).toBeCloseTo(100, 10);
    expect(() => psisDiagnostic([1])).toThrow(ShapeError);
    expect(() => psisDiagnostic([1, NaN, 2])).toThrow(/logWeights: expected numbers below \+Infinity/);
    expect(() => psisDiagnostic([-Infinity, -Infinity])).toThrow(DomainError);
    expect(() => psisDiagnostic(uniforms(1, 50), { tailLength: 50 })).toThrow(/tailLength/);
  });
});
