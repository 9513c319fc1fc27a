import { describe, expect, it } from "vitest";
import { normalLogProb, normalRsample } from "../../../src/autodiff/ops/gaussian.js";
import { scale } from "../../../src/autodiff/ops/unary.js";
import { DomainError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/rng.js";
import { Tensor } from "../../../src/core/tensor.js";
import { psisForGuide } from "../../../src/diagnostics/calibration/psis-guide.js";
import { Normal } from "../../../src/distributions/normal.js";
import { defineModel } from "../../../src/model/model.js";
import type { Proposal } from "../../../src/models/guide.js";
import type { Batch } from "../../../src/models/model.js";

// z ~ N(0, 1), x | z ~ N(z, 1): p(z | x) = N(x / 2, 1 / 2)
const model = defineModel("gauss", (m) => {
  m.plate("data", () => {
    const z = m.sample("z", new Normal(0, 1));
    m.observe("x", new Normal(z, 1));
  });
});

/** q(z | x) = N(x / 2, f^2 / 2): f = 1 is the exact posterior. */
function scaledPosterior(f: number): Proposal {
  const logStd = Tensor.full([1], Math.log(f * Math.sqrt(0.5)), "persistent");
  return {
    sample(batch: Batch, rng: Rng) {
      const m = scale(batch.obs, 0.5);
      const z = normalRsample(m, logStd, rng.normal(m.shape));
      return { values: { z }, logQ: normalLogProb(z, m, logStd), logQScore: null };
    },
  };
}

describe("psisForGuide", () => {
  const batch = { obs: Tensor.from([[0.3], [-1.5], [2.2]], undefined, "persistent") };

  it("the exact posterior: constant weights (k-hat -Infinity or < 0), ESS = S", () => {
    const r = psisForGuide(model, scaledPosterior(1), batch, new Rng(1), { draws: 2000 });
    expect(r.perDatapoint.length).toBe(3);
    expect(r.reliable).toBe(true);
    for (const p of r.perDatapoint) {
      expect(p.khat).toBeLessThan(0);
      expect(p.ess).toBeGreaterThan(1999);
    }
  });

  it("q too narrow (sd x 0.3): k = 1 - 0.09 = 0.91, k-hat above 0.7 per datapoint (unreliable); q too wide (sd x 1.5): k-hat < 0", () => {
    const narrow = psisForGuide(model, scaledPosterior(0.3), batch, new Rng(2), { draws: 40_000, maxRows: 7000 });
    expect(narrow.reliable).toBe(false);
    expect(narrow.fractionUnreliable).toBe(1);
    // w = exp(c z^2) is Pareto only up to a slowly varying factor: finite-S k-hat falls below k (0.76-0.81 here)
    for (const k of narrow.khat) expect(k > 0.7 && k < 0.91 + 0.1).toBe(true);
    expect(narrow.maxKhat).toBe(Math.max(...narrow.khat));
    const wide = psisForGuide(model, scaledPosterior(1.5), batch, new Rng(3), { draws: 5000 });
    expect(wide.reliable).toBe(true);
    for (const k of wide.khat) expect(k).toBeLessThan(0);
  });

  it("bad input: typed errors naming the option", () => {
    expect(() => psisForGuide(model, scaledPosterior(1), batch, new Rng(1), { draws: 10 })).toThrow(/draws: expected an integer >= 25/);
    expect(() => psisForGuide(model, scaledPosterior(1), batch, new Rng(1), { particles: 10 } as never)).toThrow(/options.particles/);
    expect(() => psisForGuide(model, {} as Proposal, batch, new Rng(1))).toThrow(DomainError);
  });
});
