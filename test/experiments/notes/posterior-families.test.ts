import { describe, expect, it } from "vitest";
import { noGrad } from "../../../src/autodiff/tape.js";
import { Rng } from "../../../src/core/rng.js";
import { Tensor } from "../../../src/core/tensor.js";
import { autoGuide } from "../../../src/infer/families/auto-guide.js";
import { gaussianMixture } from "../../../src/infer/families/mixture.js";
import { mixturePriorModel } from "../../../src/experiments/notes/models/mixture-prior.js";
import { linspace, NormalMixture1D } from "../../../src/experiments/notes/models/normal-mixture-1d.js";
import { gridDivergences, guideLogDensity, modeMasses, normalLogDensity, NOTE2_FAMILIES } from "../../../src/experiments/notes/posterior-families.js";
import { gammaPRef } from "../../helpers/special-ref.js";
import { simpson } from "../../helpers/quadrature.js";

/** Standard Normal CDF from the regularized incomplete gamma: Phi(z) = (1 + sign(z) P(1/2, z^2 / 2)) / 2. */
const Phi = (z: number) => 0.5 * (1 + Math.sign(z) * gammaPRef(0.5, (z * z) / 2));
const xs = linspace(-15, 15, 3001);

describe("note-2 posterior-family readouts", () => {
  it("gridDivergences: TV and both KLs of two Normals match their closed forms", () => {
    // TV(N(0,1), N(1,1)) = 2 Phi(1/2) - 1
    const a = gridDivergences(xs, normalLogDensity(0, 1, xs), normalLogDensity(1, 1, xs));
    expect(a.tv).toBeCloseTo(2 * Phi(0.5) - 1, 5);
    // KL(N(0,1) || N(1,2^2)) = log 2 + (1 + 1) / 8 - 1/2; KL(N(1,2^2) || N(0,1)) = -log 2 + (4 + 1) / 2 - 1/2
    const b = gridDivergences(xs, normalLogDensity(0, 1, xs), normalLogDensity(1, 2, xs));
    expect(b.klPQ).toBeCloseTo(Math.log(2) + 0.25 - 0.5, 6);
    expect(b.klQP).toBeCloseTo(-Math.log(2) + 2.5 - 0.5, 6);
    expect(gridDivergences(xs, normalLogDensity(0, 1, xs), normalLogDensity(0, 1, xs))).toEqual({ tv: 0, klPQ: 0, klQP: 0 });
  });

  it("modeMasses: q = p gives the weights; a Normal q splits at the components' boundary", () => {
    const p = new NormalMixture1D([0.3, 0.7], [-2, 2], [0.5, 0.5]);
    const logP = xs.map((x) => p.logDensity(x));
    modeMasses(xs, p, logP).forEach((m, k) => expect(m).toBeCloseTo(p.weights[k], 5));
    // 0.3 N(b; -2, 1/4) = 0.7 N(b; 2, 1/4) at b = -ln(7/3) / 16
    const b = -Math.log(7 / 3) / 16;
    const [lower, upper] = modeMasses(xs, p, normalLogDensity(0, 1, xs));
    // the indicator jumps between grid points: error at most one step times q(b) ~ 0.01 * 0.4
    expect(Math.abs(lower - Phi(b))).toBeLessThan(0.004);
    expect(lower + upper).toBeCloseTo(1, 6);
  });

  it("guideLogDensity: an amortized mixture autoGuide's log q(x | y) is the 2-component mixture of its network's output, normalized", () => {
    const model = mixturePriorModel();
    const guide = autoGuide(model, { amortized: { width: 4, depth: 1 }, family: gaussianMixture({ components: 2 }), rng: new Rng(3) });
    for (const y of [-1, 0.5]) {
      const c = noGrad(() => guide.contexts({ obs: Tensor.from([y], [1, 1]) }).toArray());
      // context: logits [2], means [2], logStds [2]
      const z = Math.log(Math.exp(c[0]) + Math.exp(c[1]));
      const w = [Math.exp(c[0] - z), Math.exp(c[1] - z)];
      const q = new NormalMixture1D(w, [c[2], c[3]], [Math.exp(c[4]), Math.exp(c[5])]);
      // the untrained guide starts at the prior's spread (sd about 3.8): a wide grid
      const wide = linspace(-40, 40, 8001);
      const lq = guideLogDensity(guide, y, wide);
      lq.forEach((v, i) => expect(v).toBeCloseTo(q.logDensity(wide[i]), 9));
      expect(simpson(lq.map(Math.exp), wide[0], wide[wide.length - 1])).toBeCloseTo(1, 6);
    }
    guide.dispose();
    expect(NOTE2_FAMILIES.map((f) => f.family().name)).toEqual(["mixture of 2 Gaussians"]);
  });
});
