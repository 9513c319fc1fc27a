// Memory stays flat: after a warm-up, 100,000 small training steps (20,000 with f32 MLPs) (MLP
// encoder, reparameterized sample, Gaussian likelihood, KL, Adam) must not
// grow Wasm memory or the arena's high-water mark.
import { describe, expect, it } from "vitest";
import { Adam, Dataset, MLP, ParamSpecs, Rng, elbo, fit, mean, normalLogProb, normalRsample, runtime, sliceCols, sub, Tensor, vae, valueAndGrad } from "../../src/index.js";
import { normalKL } from "../../src/index.js";

describe("memory over many training steps", () => {
  // f32: the dense layers' f32 copies and scratch come from the arena too
  it.each([["f64", 100_000], ["f32", 20_000]] as const)("%s MLPs: does not grow after warm-up (%i steps)", (precision, steps) => {
    const rt = runtime();
    const specs = new ParamSpecs();
    const encoder = new MLP([4, 8, 4], { activation: "tanh", specs: specs.scope("encoder"), precision });
    const decoder = new MLP([2, 8, 4], { activation: "tanh", specs: specs.scope("decoder"), precision });
    const store = specs.build(new Rng(1));
    const opt = new Adam(store, { lr: 1e-3 });
    const rng = new Rng(2);
    const data = rng.normal([16, 4], "persistent");
    const zero = Tensor.scalar(0, "persistent");
    const step = () => {
      valueAndGrad(() => {
        const h = encoder.forward(data);
        const mu = sliceCols(h, 0, 2);
        const logStd = sliceCols(h, 2, 4);
        const z = normalRsample(mu, logStd, rng.normal([16, 2]));
        const recon = normalLogProb(data, decoder.forward(z), zero);
        return mean(sub(normalKL(mu, logStd, zero, zero), recon));
      });
      opt.step();
    };
    for (let i = 0; i < 1000; i++) step();
    const bytesAfterWarmup = rt.memoryBytes;
    const arenaAfterWarmup = rt.arena.peakBytes;
    for (let i = 0; i < steps; i++) step();
    expect(rt.memoryBytes).toBe(bytesAfterWarmup);
    expect(rt.arena.peakBytes).toBe(arenaAfterWarmup);
    expect(store.firstNonFiniteValue()).toBe(-1);
  });

  // the VAE as a model in the language, trained by fit: every step runs the model function (sites, trace, distributions)
  it("a VAE trained by fit (model language, Family encoder): does not grow after warm-up (30,000 steps)", () => {
    const rt = runtime();
    const v = vae({ obsDim: 4, latentDim: 2, hidden: 8, rng: 1 });
    const data = new Dataset(new Rng(2).normal([64, 4]).toArray(), { dim: 4 });
    let bytesAfterWarmup = 0;
    let arenaAfterWarmup = 0;
    const r = fit({
      model: v.model, guide: v.guide, objective: elbo({ scale: "datapoint" }), data, batchSize: 16, iterations: 31_000, rng: 3,
      callbacks: [{ onStep: ({ step }) => void (step === 1000 && ((bytesAfterWarmup = rt.memoryBytes), (arenaAfterWarmup = rt.arena.peakBytes))) }],
    });
    expect(r.steps).toBe(31_000);
    expect(rt.memoryBytes).toBe(bytesAfterWarmup);
    expect(rt.arena.peakBytes).toBe(arenaAfterWarmup);
    expect(v.decoderParams.firstNonFiniteValue()).toBe(-1);
    v.dispose();
    data.dispose();
  });
});
