import { describe, expect, it } from "vitest";
import { DomainError } from "../../../src/index.js";
import { dormandPrince } from "../../../src/experiments/sbi/ode.js";

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("dormandPrince", () => {
  it("harmonic oscillator y'' = -w^2 y matches (cos wt, -w sin wt) at the output times, error shrinking with rtol", () => {
    const w = 2.3;
    const times = Array.from({ length: 11 }, (_, i) => i * 1.7);
    const exact = times.flatMap((t) => [Math.cos(w * t), -w * Math.sin(w * t)]);
    const f = (_t: number, y: Float64Array, dy: Float64Array) => {
      dy[0] = y[1];
      dy[1] = -w * w * y[0];
    };
    const errs = [1e-4, 1e-7, 1e-10].map((rtol) => {
      const s = dormandPrince(f, [1, 0], times, { rtol, atol: rtol });
      expect(s.failure).toBeUndefined();
      return maxAbs(s.y!, exact);
    });
    expect(errs[0]).toBeLessThan(1e-2);
    expect(errs[1]).toBeLessThan(1e-5);
    expect(errs[2]).toBeLessThan(1e-8);
    expect(errs[2]).toBeLessThan(errs[1] / 30);
    expect(errs[1]).toBeLessThan(errs[0] / 30);
  });

  it("logistic growth y' = r y (1 - y / K) matches K / (1 + (K / y0 - 1) e^{-rt}) to 1e-7 relative", () => {
    const r = 0.8;
    const K = 1e6;
    const y0 = 1;
    const times = [0, 5, 10, 15, 20, 30, 40];
    const s = dormandPrince((_t, y, dy) => void (dy[0] = r * y[0] * (1 - y[0] / K)), [y0], times, { rtol: 1e-9, atol: 1e-9 });
    times.forEach((t, i) => {
      const exact = K / (1 + (K / y0 - 1) * Math.exp(-r * t));
      expect(Math.abs(s.y![i] - exact) / exact).toBeLessThan(1e-7);
    });
  });

  it("conserves the Lotka-Volterra first integral delta x - gamma log x + beta y - alpha log y", () => {
    const [a, b, g, d] = [0.9, 0.05, 1.1, 0.04];
    const V = (x: number, y: number) => d * x - g * Math.log(x) + b * y - a * Math.log(y);
    const times = Array.from({ length: 21 }, (_, i) => i);
    const s = dormandPrince(
      (_t, y, dy) => {
        dy[0] = a * y[0] - b * y[0] * y[1];
        dy[1] = -g * y[1] + d * y[0] * y[1];
      },
      [30, 1],
      times,
      { rtol: 1e-10, atol: 1e-10 },
    );
    const v0 = V(30, 1);
    for (let i = 0; i < times.length; i++) expect(Math.abs(V(s.y![2 * i], s.y![2 * i + 1]) - v0)).toBeLessThan(1e-7);
  });

  it("repeated output times give the same state; a blow-up returns a failure, not a hang", () => {
    const s = dormandPrince((_t, y, dy) => void (dy[0] = -y[0]), [2], [0, 1, 1, 2]);
    expect(s.y![1]).toBe(s.y![2]);
    expect(Math.abs(s.y![3] - 2 * Math.exp(-2))).toBeLessThan(1e-6);
    // y' = y^2, y(0) = 1 blows up at t = 1
    const blow = dormandPrince((_t, y, dy) => void (dy[0] = y[0] * y[0]), [1], [0, 2], { maxSteps: 5000 });
    expect(blow.y).toBeNull();
    expect(blow.failure).toMatch(/steps|underflow|non-finite/);
  });

  it("bad times and tolerances are typed errors naming the argument", () => {
    const f = (_t: number, y: Float64Array, dy: Float64Array) => void (dy[0] = y[0]);
    expect(() => dormandPrince(f, [1], [0, 2, 1])).toThrow(DomainError);
    expect(() => dormandPrince(f, [1], [0, 2, 1])).toThrow(/times/);
    expect(() => dormandPrince(f, [1], [0, 1], { rtol: -1 })).toThrow(/options.rtol/);
  });
});
