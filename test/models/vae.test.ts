import { describe, expect, test } from "vitest";
import { sum } from "../../src/autodiff/ops/reduce.js";
import { noGrad, valueAndGrad } from "../../src/autodiff/tape.js";
import { DomainError, ShapeError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { asEngineModel } from "../../src/model/engine-model.js";
import { MissingObservationError } from "../../src/model/site-errors.js";
import { bernoulliLikelihood, gaussianLikelihood } from "../../src/models/likelihood.js";
import { vaeModel } from "../../src/models/vae.js";
import { gradCheck } from "../helpers/gradcheck.js";

const LOG2PI = Math.log(2 * Math.PI);
const z = () => Tensor.from([[0.5, -1], [2, 0.1]]);
const x = () => Tensor.from([[1, 2, 3], [0, -1, 0.5]]);

/** log N(z; 0, I) per row, plain JS. */
const logPrior = (zr: number[]) => zr.reduce((s, v) => s - 0.5 * LOG2PI - 0.5 * v * v, 0);

describe("vaeModel: the VAE's generative model in the language", () => {
  test("sites: z local (real, Z per row) in the plate, x observed; the decoder store (MLP + logSigma) is the model's only parameter store", () => {
    const g = vaeModel({ obsDim: 3, latentDim: 2, decoder: { hidden: [8, 5] }, rng: 1 });
    const sites = g.model.sites();
    expect(sites.map((s) => [s.name, s.scope, s.dim, s.observed, s.support.kind])).toEqual([
      ["z", "local", 2, false, "real"],
      ["x", "local", 3, true, "real"],
    ]);
    expect(g.model.params()).toEqual([g.decoderParams]);
    expect(g.decoderParams.names).toContain("logSigma");
    expect(g.decoderParams.size).toBe(2 * 8 + 8 + 8 * 5 + 5 + 5 * 3 + 3 + 3);
    expect(g.decoderParams.get("logSigma").toArray()).toEqual([Math.log(0.5), Math.log(0.5), Math.log(0.5)]);
    g.dispose();
  });

  test("Gaussian: log p(x, z) = log N(z; 0, I) + log N(x; f(z), diag sigma^2) per row, from one run of the model", () => {
    const g = vaeModel({ obsDim: 3, latentDim: 2, decoder: { hidden: [8, 8] }, likelihood: gaussianLikelihood({ initLogSigma: -0.3 }), rng: 1 });
    noGrad(() => {
      const got = asEngineModel(g.model).logJoint({ z: z() }, { obs: x() }).toArray();
      const f = g.decode(z()).toRows();
      const ls = g.decoderParams.get("logSigma").toArray();
      expect(ls).toEqual([-0.3, -0.3, -0.3]);
      z().toRows().forEach((zr, b) => {
        const lik = x().toRows()[b].reduce((s, v, d) => s - 0.5 * LOG2PI - ls[d] - 0.5 * ((v - f[b][d]) / Math.exp(ls[d])) ** 2, 0);
        expect(got[b]).toBeCloseTo(logPrior(zr) + lik, 10);
      });
      const total = g.model.logJoint({ z: z() }, { x: x() }).item();
      expect(total).toBeCloseTo(got[0] + got[1], 10);
    });
    g.dispose();
  });

  test("Bernoulli: log p(x | z) = sum_d x_d l_d - log(1 + e^l_d) with logits l = f(z)", () => {
    const g = vaeModel({ obsDim: 3, latentDim: 2, decoder: { hidden: [6] }, likelihood: bernoulliLikelihood(), rng: 2 });
    expect(g.decoderParams.has("logSigma")).toBe(false);
    const xb = Tensor.from([[1, 0, 1], [0.3, 1, 0]]);
    noGrad(() => {
      const got = asEngineModel(g.model).logJoint({ z: z() }, { obs: xb }).toArray();
      const l = g.decode(z()).toRows();
      z().toRows().forEach((zr, b) => {
        const lik = xb.toRows()[b].reduce((s, v, d) => s + v * l[b][d] - Math.log1p(Math.exp(l[b][d])), 0);
        expect(got[b]).toBeCloseTo(logPrior(zr) + lik, 10);
      });
    });
    g.dispose();
  });

  test("gradients: log p(x, z) w.r.t. z against finite differences; w.r.t. decoder weights and logSigma against central differences", () => {
    const g = vaeModel({ obsDim: 3, latentDim: 2, decoder: { hidden: [5, 5] }, rng: 3 });
    const engine = asEngineModel(g.model);
    const obs = Tensor.from([[1, 2, 3], [0, -1, 0.5]], undefined, "persistent");
    expect(gradCheck((zt) => engine.logJoint({ z: zt }, { obs }), [{ shape: [2, 2] }])).toBeLessThan(1e-6);
    const zp = Tensor.from([[0.5, -1], [2, 0.1]], undefined, "persistent");
    const loss = () => sum(engine.logJoint({ z: zp }, { obs }));
    g.decoderParams.zeroGrad(); // (the check above backpropagated into them too)
    valueAndGrad(loss);
    const grads = g.decoderParams.grads.toArray();
    g.decoderParams.zeroGrad();
    const values = g.decoderParams.values;
    for (const i of [0, 7, 23, g.decoderParams.size - 1]) {
      const v0 = values.view()[i];
      const at = (v: number) => {
        values.view()[i] = v;
        return noGrad(() => loss().item());
      };
      const numeric = (at(v0 + 1e-6) - at(v0 - 1e-6)) / 2e-6;
      values.view()[i] = v0;
      expect(Math.abs(grads[i] - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
    }
    g.dispose();
  });

  test("sampleJoint runs the same story forward: z ~ N(0, I), x - f(z) ~ N(0, sigma^2)", () => {
    const g = vaeModel({ obsDim: 2, latentDim: 1, decoder: { hidden: [4] }, likelihood: gaussianLikelihood({ initLogSigma: Math.log(0.3) }), rng: 4 });
    noGrad(() => {
      const n = 20000;
      const draw = g.model.sampleJoint(n, new Rng(5));
      const zs = draw.values.z.toArray();
      const f = g.decode(draw.values.z).toArray();
      const r = draw.data.x.toArray().map((v, i) => v - f[i]);
      const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
      const varOf = (v: number[]) => mean(v.map((a) => a * a)) - mean(v) ** 2;
      expect(Math.abs(mean(zs))).toBeLessThan(4 / Math.sqrt(n));
      expect(Math.abs(varOf(zs) - 1)).toBeLessThan(0.04);
      expect(Math.abs(mean(r))).toBeLessThan(4 * 0.3 / Math.sqrt(2 * n));
      expect(Math.abs(varOf(r) / 0.09 - 1)).toBeLessThan(0.04);
    });
    g.dispose();
  });

  test("every decoder pass is reported to the listener (rows, recorded for a gradient)", () => {
    const g = vaeModel({ obsDim: 2, rng: 1 });
    const engine = asEngineModel(g.model); // (its site-discovery run is a pass too: attach after it)
    const passes: [string, number, boolean][] = [];
    g.passListener = (n, rows, bw) => void passes.push([n, rows, bw]);
    const zp = Tensor.from([[0.1], [0.2], [0.3]], undefined, "persistent");
    const obs = Tensor.from([[1, 2], [0, 1], [2, 2]], undefined, "persistent");
    noGrad(() => engine.logJoint({ z: zp }, { obs }));
    valueAndGrad(() => sum(engine.logJoint({ z: zp }, { obs })));
    expect(passes).toEqual([["decoder", 3, false], ["decoder", 3, true]]);
    g.decoderParams.zeroGrad();
    g.dispose();
  });

  test("precision f32: same parameters as f64, log-joint within f32 rounding", () => {
    const a = vaeModel({ obsDim: 3, latentDim: 2, rng: 4 });
    const b = vaeModel({ obsDim: 3, latentDim: 2, rng: 4, precision: "f32" });
    expect(b.decoderParams.values.toArray()).toEqual(a.decoderParams.values.toArray());
    expect(b.decoderNet.precision).toBe("f32");
    noGrad(() => {
      const la = asEngineModel(a.model).logJoint({ z: z() }, { obs: x() }).toArray();
      const lb = asEngineModel(b.model).logJoint({ z: z() }, { obs: x() }).toArray();
      lb.forEach((v, i) => {
        expect(Math.abs(v - la[i])).toBeLessThan(1e-5 * (1 + Math.abs(la[i])));
        expect(v).not.toBe(la[i]);
      });
    });
  });

  test("bad input: typed errors naming the argument or the site", () => {
    expect(() => vaeModel({ obsDim: 0 })).toThrow(DomainError);
    expect(() => vaeModel({ obsDim: 2, latentDim: 1.5 })).toThrow(/latentDim/);
    expect(() => vaeModel({ obsDim: 2, decoder: { hidden: [4, 0] } })).toThrow(/decoder.hidden\[1\]/);
    expect(() => vaeModel({ obsDim: 2, likelihood: {} as never })).toThrow(/likelihood/);
    expect(() => vaeModel({ obsDim: 2, precision: "f16" as never })).toThrow(/precision/);
    expect(() => gaussianLikelihood({ initLogSigma: NaN })).toThrow(/initLogSigma/);
    const g = vaeModel({ obsDim: 2, decoder: { hidden: [4] } });
    expect(() => noGrad(() => g.decode(Tensor.from([[1, 2]])))).toThrow(ShapeError);
    expect(() => noGrad(() => g.model.logJoint({ z: Tensor.from([[1]]) }, {}))).toThrow(MissingObservationError);
    expect(() => noGrad(() => g.model.logJoint({ z: Tensor.from([[1]]) }, {}))).toThrow(/site "x"/);
    g.dispose();
  });
});
