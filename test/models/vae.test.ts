import { describe, expect, test } from "vitest";
import { DomainError, ShapeError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { noGrad, valueAndGrad } from "../../src/autodiff/tape.js";
import { mean } from "../../src/autodiff/ops/reduce.js";
import { VAE } from "../../src/models/vae.js";

const LOG2PI = Math.log(2 * Math.PI);

describe("VAE", () => {
  test("logJoint = log N(z; 0, I) + log N(x; f(z), sigma^2) with the decoder's own output", () => {
    const vae = new VAE({ obsDim: 3, latentDim: 2, hidden: 8, rng: 1 });
    noGrad(() => {
      const z = Tensor.from([[0.5, -1], [2, 0.1]]);
      const x = Tensor.from([[1, 2, 3], [0, -1, 0.5]]);
      const got = vae.logJoint({ z }, { obs: x }).toArray();
      const f = vae.decode(z).toRows();
      const ls = vae.logSigma.tensor.toArray();
      z.toRows().forEach((zr, b) => {
        const prior = zr.reduce((s, v) => s - 0.5 * LOG2PI - 0.5 * v * v, 0);
        const lik = x.toRows()[b].reduce((s, v, d) => s - 0.5 * LOG2PI - ls[d] - 0.5 * ((v - f[b][d]) / Math.exp(ls[d])) ** 2, 0);
        expect(got[b]).toBeCloseTo(prior + lik, 10);
      });
    });
  });

  test("decoder and encoder parameters are separate stores: a decoder-only loss leaves encoder grads at zero", () => {
    const vae = new VAE({ obsDim: 2, hidden: 6, rng: 2 });
    expect(vae.decoderParams).not.toBe(vae.encoderParams);
    expect(vae.decoderParams.names).toContain("logSigma");
    expect(vae.encoderParams.names.every((n) => n.startsWith("encoder."))).toBe(true);
    expect(vae.decoderParams.size).toBe(1 * 6 + 6 + 6 * 6 + 6 + 6 * 2 + 2 + 2);
    valueAndGrad(() => mean(vae.logLikelihood(Tensor.from([[0.3]]), Tensor.from([[1, 2]]))));
    expect(vae.encoderParams.grads.toArray().every((g) => g === 0)).toBe(true);
    expect(vae.decoderParams.grads.toArray().some((g) => g !== 0)).toBe(true);
    vae.decoderParams.zeroGrad();
  });

  test("sampleRepeated: K draws per row from one encoder pass, laid out like repeatRows", () => {
    const vae = new VAE({ obsDim: 2, hidden: 6, rng: 3 });
    const passes: [string, number, boolean][] = [];
    vae.passListener = (n, rows, bw) => passes.push([n, rows, bw]);
    noGrad(() => {
      const x = Tensor.from([[1, 0], [-1, 2]]);
      const s = vae.encoder.sampleRepeated({ obs: x }, 4, new Rng(0));
      const z = s.values.z as Tensor;
      expect(z.shape).toEqual([8, 1]);
      const { mean: m, logStd } = vae.encode(x);
      const lq = vae.encoder.logProb({ z: z }, { obs: Tensor.from([[1, 0], [1, 0], [1, 0], [1, 0], [-1, 2], [-1, 2], [-1, 2], [-1, 2]]) }).toArray();
      s.logQ.toArray().forEach((v, i) => expect(v).toBeCloseTo(lq[i], 10));
      expect(m.shape).toEqual([2, 1]);
      expect(logStd.shape).toEqual([2, 1]);
    });
    expect(passes[0]).toEqual(["encoder", 2, false]);
  });

  test("precision f32: same parameters as f64, log-joint within f32 rounding, both MLPs in f32; bad name is a typed error", () => {
    const a = new VAE({ obsDim: 3, latentDim: 2, hidden: 8, rng: 4 });
    const b = new VAE({ obsDim: 3, latentDim: 2, hidden: 8, rng: 4, precision: "f32" });
    expect(b.decoderParams.values.toArray()).toEqual(a.decoderParams.values.toArray());
    expect(b.encoderNet.precision).toBe("f32");
    expect(b.decoderNet.precision).toBe("f32");
    noGrad(() => {
      const z = Tensor.from([[0.5, -1], [2, 0.1]]);
      const x = Tensor.from([[1, 2, 3], [0, -1, 0.5]]);
      const la = a.logJoint({ z }, { obs: x }).toArray();
      const lb = b.logJoint({ z }, { obs: x }).toArray();
      lb.forEach((v, i) => {
        expect(Math.abs(v - la[i])).toBeLessThan(1e-5 * (1 + Math.abs(la[i])));
        expect(v).not.toBe(la[i]); // really computed in f32
      });
    });
    expect(() => new VAE({ obsDim: 2, precision: "f16" as never })).toThrow(/precision/);
  });

  test("bad input: typed errors naming the argument", () => {
    expect(() => new VAE({ obsDim: 0 })).toThrow(DomainError);
    expect(() => new VAE({ obsDim: 2, latentDim: 1.5 })).toThrow(/latentDim/);
    const vae = new VAE({ obsDim: 2, hidden: 4 });
    expect(() => noGrad(() => vae.decode(Tensor.from([[1, 2]])))).toThrow(ShapeError);
    expect(() => noGrad(() => vae.encoder.sampleRepeated({ obs: Tensor.from([[1, 2]]) }, 0, new Rng(0)))).toThrow(/K/);
    expect(() => noGrad(() => vae.logJoint({ z: new Int32Array(1) }, { obs: Tensor.from([[1, 2]]) }))).toThrow(/values.z/);
  });
});
