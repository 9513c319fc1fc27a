import { describe, expect, test } from "vitest";
import { sliceCols } from "../../src/autodiff/ops/shape.js";
import { noGrad } from "../../src/autodiff/tape.js";
import { DomainError, ShapeError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { Family, makeFamily } from "../../src/infer/families/family.js";
import { mlpNet } from "../../src/infer/families/nets.js";
import { qpLoss } from "../../src/infer/objectives/elbo.js";
import { repeatBatch } from "../../src/infer/particles.js";
import { vae } from "../../src/infer/vae.js";
import { asEngineModel } from "../../src/model/engine-model.js";
import { bernoulliLikelihood } from "../../src/models/likelihood.js";
import { constant } from "../../src/nn/init.js";
import { MLP } from "../../src/nn/mlp.js";
import { ParamSpecs } from "../../src/nn/module.js";

const LOG2PI = Math.log(2 * Math.PI);
const x = () => Tensor.from([[1, 0, 2], [-1, 2, 0.5]]);

describe("vae(): the model in the language and its amortized Gaussian guide (Family, kind avi)", () => {
  test("the encoder is ONE MLP D-H-H-2Z (tanh) split into mean and log-std; both networks start where the first edition's did", () => {
    const v = vae({ obsDim: 3, latentDim: 2, hidden: 6, rng: 5 });
    expect(v.guide).toBeInstanceOf(Family);
    expect(v.guide.kind).toBe("avi");
    expect(v.guide.params).toEqual([v.encoderParams]);
    expect(v.guide.description).toMatch(/split width 6/);
    const rng = new Rng(5);
    // the first edition: decoder MLP + logSigma from rng.fork(0), encoder MLP D-H-H-2Z from rng.fork(1)
    const dec = new ParamSpecs();
    new MLP([2, 6, 6, 3], { specs: dec.scope("decoder"), activation: "tanh" });
    dec.add("logSigma", [3], constant(Math.log(0.5)));
    const decStore = dec.build(rng.fork(0));
    const enc = new MLP([3, 6, 6, 4], { activation: "tanh", rng: rng.fork(1) });
    expect(v.decoderParams.values.toArray()).toEqual(decStore.values.toArray());
    expect(v.encoderParams.values.toArray()).toEqual(enc.params.values.toArray());
    noGrad(() => {
      const h = enc.forward(x());
      const { mean, logStd } = v.encode(x());
      expect(mean.toArray()).toEqual(sliceCols(h, 0, 2).toArray());
      expect(logStd.toArray()).toEqual(sliceCols(h, 2, 4).toArray());
    });
    v.dispose();
  });

  test("a draw is z = mu(x) + exp(s(x)) eps with log q = log N(z; mu, exp(s)^2); qpLoss is the mean of log q - log p(x, z)", () => {
    const v = vae({ obsDim: 3, latentDim: 2, hidden: 5, rng: 1 });
    noGrad(() => {
      const { mean, logStd } = v.encode(x());
      const eps = new Rng(7).normal([2, 2]).toArray();
      const draw = v.guide.sample({ obs: x() }, new Rng(7));
      const zs = (draw.values.z as Tensor).toArray();
      const m = mean.toArray();
      const s = logStd.toArray();
      zs.forEach((zv, i) => expect(zv).toBeCloseTo(m[i] + Math.exp(s[i]) * eps[i], 12));
      const lq = draw.logQ.toArray();
      [0, 1].forEach((b) => {
        const want = [0, 1].reduce((acc, d) => acc - 0.5 * LOG2PI - s[2 * b + d] - 0.5 * eps[2 * b + d] ** 2, 0);
        expect(lq[b]).toBeCloseTo(want, 10);
      });
      const lp = asEngineModel(v.model).logJoint(draw.values, { obs: x() }).toArray();
      const qp = qpLoss(asEngineModel(v.model), v.guide, { obs: x() }, new Rng(7)).item();
      expect(qp).toBeCloseTo((lq[0] - lp[0] + lq[1] - lp[1]) / 2, 10);
    });
    v.dispose();
  });

  test("sampleRepeated: K draws per row from ONE encoder pass over B rows, the same numbers as sampling the repeated batch", () => {
    const v = vae({ obsDim: 3, latentDim: 2, hidden: 5, rng: 2 });
    const passes: [string, number][] = [];
    v.passListener = (n, rows) => void passes.push([n, rows]);
    noGrad(() => {
      const a = v.guide.sampleRepeated({ obs: x() }, 4, new Rng(3));
      expect(passes).toEqual([["encoder", 2]]);
      const b = v.guide.sample(repeatBatch({ obs: x() }, 4), new Rng(3));
      expect((a.values.z as Tensor).shape).toEqual([8, 2]);
      expect((a.values.z as Tensor).toArray()).toEqual((b.values.z as Tensor).toArray());
      expect(a.logQ.toArray()).toEqual(b.logQ.toArray());
    });
    v.passListener = null;
    v.dispose();
  });

  test("the listener sees encoder and decoder passes; any likelihood and any inference net plug in", () => {
    const v = vae({ obsDim: 3, latentDim: 1, hidden: 4, likelihood: bernoulliLikelihood(), encoder: mlpNet({ width: 3, heads: "trunk" }), rng: 3 });
    expect(v.decoderParams.has("logSigma")).toBe(false);
    expect(v.guide.description).toMatch(/trunk width 3/);
    const seen: string[] = [];
    v.passListener = (n, rows, bw) => void seen.push(`${n} ${rows} ${bw}`);
    noGrad(() => qpLoss(asEngineModel(v.model), v.guide, { obs: Tensor.from([[1, 0, 1], [0, 0, 1]]) }, new Rng(1)));
    expect(seen).toEqual(["encoder 2 false", "decoder 2 false"]);
    v.dispose();
  });

  test("precision f32: both networks compute in f32 from the same f64 parameters", () => {
    const a = vae({ obsDim: 3, latentDim: 2, hidden: 6, rng: 4 });
    const b = vae({ obsDim: 3, latentDim: 2, hidden: 6, rng: 4, precision: "f32" });
    expect(b.encoderParams.values.toArray()).toEqual(a.encoderParams.values.toArray());
    expect(b.decoderNet.precision).toBe("f32");
    noGrad(() => {
      const ea = a.encode(x()).mean.toArray();
      const eb = b.encode(x()).mean.toArray();
      eb.forEach((v, i) => expect(Math.abs(v - ea[i])).toBeLessThan(1e-5 * (1 + Math.abs(ea[i]))));
      expect(eb).not.toEqual(ea);
    });
  });

  test("bad input: typed errors naming the argument", () => {
    expect(() => vae({ obsDim: 0 })).toThrow(DomainError);
    expect(() => vae({ obsDim: 2, hidden: 0 })).toThrow(/hidden/);
    expect(() => vae({ obsDim: 2, encoder: {} as never })).toThrow(/encoder/);
    const v = vae({ obsDim: 2, hidden: 3 });
    expect(() => noGrad(() => v.encode(Tensor.from([[1, 2, 3]])))).toThrow(ShapeError);
    expect(() => noGrad(() => v.guide.sampleRepeated({ obs: Tensor.from([[1, 2]]) }, 0, new Rng(0)))).toThrow(/K/);
    expect(() => makeFamily(v.model, null, { kind: "avi", rng: 3 as never })).toThrow(/rng/);
    expect(() => mlpNet({ width: 2, heads: "both" as never })).toThrow(/heads/);
    v.dispose();
  });
});
