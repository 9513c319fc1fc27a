import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, Rng, ShapeError, UnknownNameError } from "../../../src/index.js";
import { SupportError } from "../../../src/model/site-errors.js";
import { simulateValid, type SimulatorTask } from "../../../src/experiments/sbi/simulate-valid.js";
import { matrix } from "../../../src/experiments/sbi/task.js";
import { interval } from "../../../src/distributions/support.js";
import { sbiTask } from "../../../src/experiments/sbi/tasks/index.js";

/** A 1-D task whose simulator returns x = theta, except NaN where theta > 0.5 and a short row where theta < -0.5. */
function faulty(overrides: Partial<SimulatorTask> = {}): SimulatorTask {
  return {
    name: "faulty",
    dimTheta: 1,
    dimX: 2,
    prior: {
      support: interval(-1, 1),
      sample: (n, rng) => matrix(n, 1, Float64Array.from(rng.uniform([n]).toFloat64Array(), (u) => 2 * u - 1)),
    },
    simulate: (theta) => Array.from(theta.data, (t) => (t > 0.5 ? [NaN, t] : t < -0.5 ? [t] : [t, 2 * t])),
    ...overrides,
  };
}

describe("simulateValid", () => {
  it("drops and counts simulations with NaN or the wrong length, keeping theta and x aligned", () => {
    const r = simulateValid(faulty(), 1000, new Rng(1));
    expect(r.requested).toBe(1000);
    expect(r.valid + r.dropped.nonFinite + r.dropped.wrongShape).toBe(1000);
    expect(r.dropped.nonFinite).toBeGreaterThan(180);
    expect(r.dropped.wrongShape).toBeGreaterThan(180);
    expect(r.theta.rows).toBe(r.valid);
    expect(r.x.rows).toBe(r.valid);
    for (let i = 0; i < r.valid; i++) {
      expect(r.x.data[2 * i]).toBe(r.theta.data[i]);
      expect(r.x.data[2 * i + 1]).toBe(2 * r.theta.data[i]);
      expect(Math.abs(r.theta.data[i])).toBeLessThanOrEqual(0.5);
    }
  });

  it("with onInvalid 'error' throws a typed error naming the simulation and the value", () => {
    const nan = faulty({ simulate: (theta) => Array.from(theta.data, (t) => (t > 0.5 ? [NaN, t] : [t, t])) });
    expect(() => simulateValid(nan, 200, new Rng(2), { onInvalid: "error" })).toThrow(NonFiniteError);
    expect(() => simulateValid(nan, 200, new Rng(2), { onInvalid: "error" })).toThrow(/faulty.simulate\(theta\) row \d+: expected finite values, received NaN at column 0/);
    const short = faulty({ simulate: (theta) => Array.from(theta.data, (t) => (t < -0.5 ? [t] : [t, t])) });
    expect(() => simulateValid(short, 200, new Rng(2), { onInvalid: "error" })).toThrow(ShapeError);
  });

  it("a batch of the wrong number of rows or columns is dropped whole (or a ShapeError); nothing valid left is a DomainError with the counts", () => {
    const fewer = faulty({ simulate: (theta) => matrix(theta.rows - 1, 2) });
    expect(() => simulateValid(fewer, 10, new Rng(3), { onInvalid: "error" })).toThrow(/expected a matrix \[10, 2\] \(one row per theta\), received \[9, 2\]/);
    expect(() => simulateValid(fewer, 10, new Rng(3))).toThrow(/none of 10 \(0 with NaN \/ Inf, 10 of the wrong shape\)/);
    const allNaN = faulty({ simulate: (theta) => matrix(theta.rows, 2, new Float64Array(2 * theta.rows).fill(NaN)) });
    expect(() => simulateValid(allNaN, 10, new Rng(3))).toThrow(DomainError);
  });

  it("a prior draw outside its support, a zero budget and an unknown option are typed errors naming the argument", () => {
    const escaping = faulty({ prior: { support: interval(-1, 1), sample: (n) => matrix(n, 1, new Float64Array(n).fill(3)) } });
    expect(() => simulateValid(escaping, 5, new Rng(4))).toThrow(SupportError);
    expect(() => simulateValid(escaping, 5, new Rng(4))).toThrow(/faulty.prior.sample\(5\): expected values in interval\(-1, 1\), received 3 at row 0, column 0/);
    const nanPrior = faulty({ prior: { sample: (n) => matrix(n, 1, new Float64Array(n).fill(NaN)) } });
    expect(() => simulateValid(nanPrior, 5, new Rng(4))).toThrow(SupportError);
    expect(() => simulateValid(faulty(), 0, new Rng(4))).toThrow(/^n: expected a simulation budget: an integer >= 1, received 0/);
    expect(() => simulateValid(faulty(), 2.5, new Rng(4))).toThrow(DomainError);
    expect(() => simulateValid(faulty(), 5, new Rng(4), { onInvalid: "skip" as "drop" })).toThrow(UnknownNameError);
    expect(() => simulateValid(faulty(), 5, new Rng(4), { oninvalid: "drop" } as object)).toThrow(UnknownNameError);
  });

  it("draws a full valid budget from every sbibm task", () => {
    for (const name of ["gaussian_linear", "two_moons", "sir", "bernoulli_glm"]) {
      const task = sbiTask(name);
      const r = simulateValid(task, 50, new Rng(5), { onInvalid: "error" });
      expect(r.valid).toBe(50);
      expect([r.theta.cols, r.x.cols]).toEqual([task.dimTheta, task.dimX]);
    }
  });
});
