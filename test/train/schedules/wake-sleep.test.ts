import { describe, it, expect } from "vitest";
import { Rng, Normal, add, mul, defineModel, Dataset, makeFamily, fit, iwaeBound, forwardKL, reweightedWakeSleep, wakeSleep, noGrad, cosineDecay, DomainError } from "../../../src/index.js";

// z_n ~ N(0, 1), x_n ~ N(2 z_n + b, 0.5^2) with b a model parameter: b_MLE = mean(x); q(z | x) = N(8 (x - b) / 17, 1 / 17)
const offsetModel = () => defineModel("offset", (m) => {
  const b = m.param("b", [0]);
  m.plate("data", () => {
    const z = m.sample("z", new Normal(0, 1));
    m.observe("x", new Normal(add(mul(z, 2), b), 0.5));
  });
});
const xs = Array.from({ length: 400 }, (_, i) => 1.5 + 2 * Math.sin(1.3 * i));
const mean = xs.reduce((a, v) => a + v, 0) / xs.length;

describe("wakeSleep: wake (model) and sleep (guide) phases as a schedule of fit", () => {
  for (const [name, sleep] of [["sleep-phi (forward KL)", forwardKL()], ["RWS wake-phi", reweightedWakeSleep({ particles: 8, alpha: 1 })]] as const) {
    it(`${name}: the model's b reaches mean(x) and the guide the exact posterior`, () => {
      const model = offsetModel();
      const data = new Dataset(xs);
      const q = makeFamily(model, null, { kind: "avi", seed: 2 });
      const r = fit({
        model, guide: q, objective: iwaeBound({ particles: 8 }), data, batchSize: 100, iterations: 2500, lr: 0.02, rng: 1,
        lrSchedule: cosineDecay(2500, 0.05), schedule: wakeSleep({ sleep }),
      });
      expect(r.schedule.modelUpdates).toBe(2500);
      expect(r.schedule.guideUpdates).toBe(2500);
      const b = model.params()[0].get("b").item();
      expect(Math.abs(b - mean)).toBeLessThan(0.1);
      const f = noGrad(() => q.localFactors({ obs: data.full().obs }).z);
      const m = f.mean.toArray();
      const err = Math.max(...m.map((v, i) => Math.abs(v - (8 * (xs[i] - b)) / 17)));
      expect(err).toBeLessThan(0.1);
      expect(Math.exp(f.logStd.toArray()[0])).toBeCloseTo(1 / Math.sqrt(17), 1);
    });
  }
  it("needs the guide's objective", () => {
    expect(() => wakeSleep({} as never)).toThrow(DomainError);
    void Rng;
  });
});
