import { describe, expect, it } from "vitest";
import { Dataset, DomainError, Normal, ParamSpecs, Rng, Tensor, add, cosineDecay, defineModel, elbo, fit, makeFamily, mlpNet, noGrad } from "../../../src/index.js";
import { withSummary } from "../../../src/infer/families/summary.js";
import { deepSets } from "../../../src/infer/families/summary-deep-sets.js";
import { gru } from "../../../src/infer/families/summary-gru.js";
import { conv1d } from "../../../src/infer/families/summary-conv1d.js";
import { gradCheck } from "../../helpers/gradcheck.js";
import { paramGradCheck } from "../../helpers/param-gradcheck.js";
import { buildSummary } from "./summary-helpers.js";

describe("withSummary", () => {
  it("f_phi(s_psi(x)): one store, the summary under scope summary, the net under net, the net's input the summary's output", () => {
    const summary = gru({ hidden: 3 });
    const net = mlpNet({ width: 4, depth: 1, activation: "tanh" });
    const composed = withSummary(summary, net);
    expect(composed.name).toBe("MLP separate width 4 on GRU hidden 3 last");
    const specs = new ParamSpecs();
    const fn = composed.build(specs, 5, 2);
    const store = specs.build(new Rng(1));
    expect(store.names.filter((n) => n.startsWith("summary.")).sort()).toEqual(["summary.input.bias", "summary.input.weight", "summary.recurrent.bias", "summary.recurrent.weight"]);
    expect(store.get("net.mean.0.weight").shape).toEqual([3, 4]);
    // the same parameters, built apart, give the same factor
    const alone = buildSummary(summary, 5, 0);
    const aloneNetSpecs = new ParamSpecs();
    const aloneNet = net.build(aloneNetSpecs, 3, 2);
    const aloneNetStore = aloneNetSpecs.build(new Rng(0));
    for (const n of alone.store.names) alone.store.get(n).set(store.get(`summary.${n}`).toArray());
    for (const n of aloneNetStore.names) aloneNetStore.get(n).set(store.get(`net.${n}`).toArray());
    const x = new Rng(3).normal([4, 5]);
    const a = noGrad(() => fn(x));
    const b = noGrad(() => aloneNet(alone.s.forward(x)));
    expect(a.mean.toArray()).toEqual(b.mean.toArray());
    expect(a.logStd.toArray()).toEqual(b.logStd.toArray());
  });

  it("gradients of the composed factor w.r.t. the input and every parameter match finite differences", () => {
    const specs = new ParamSpecs();
    const fn = withSummary(deepSets({ elementSize: 2, phi: [3], rho: [3], activation: "tanh" }), mlpNet({ width: 3, depth: 1, activation: "tanh", heads: "split" })).build(specs, 6, 2);
    const store = specs.build(new Rng(2));
    const both = (x: Tensor) => {
      const f = fn(x);
      return add(f.mean, f.logStd);
    };
    expect(gradCheck(both, [{ shape: [3, 6] }])).toBeLessThan(1e-6);
    const x = new Rng(4).normal([3, 6], "persistent");
    expect(paramGradCheck(store, () => both(x))).toBeLessThan(1e-6);
    x.dispose();
  });

  it("rejects a summary or a net that is not one, naming it", () => {
    expect(() => withSummary({} as never, mlpNet({ width: 2 }))).toThrow(DomainError);
    expect(() => withSummary({} as never, mlpNet({ width: 2 }))).toThrow(/^summary: /);
    expect(() => withSummary(gru({ hidden: 2 }), null as never)).toThrow(/^net: /);
  });
});

describe("DeepSets A-VI on a set-valued observation", () => {
  // z_n ~ N(0, 1), x_{n,s} ~ N(z_n, 1) for s < S: p(z_n | x_n) = N(S xbar_n / (S + 1), 1 / (S + 1))
  const S = 10;
  const N = 400;
  const model = defineModel("set-mean", (m) => {
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", new Normal(add(z, Tensor.zeros([z.rows, S])), 1));
    });
  });

  const rng = new Rng(11);
  const flat: number[] = [];
  for (let n = 0; n < N; n++) {
    const z = rng.normal([1]).item();
    rng.normal([S]).toArray().forEach((e) => flat.push(z + e));
  }
  const exactMean = Array.from({ length: N }, (_, n) => flat.slice(n * S, (n + 1) * S).reduce((a, b) => a + b, 0) / (S + 1));
  const exactSd = 1 / Math.sqrt(S + 1);

  // conv1d with full padding (K - 1): every step enters K patches, so the pooled features can weigh all steps alike
  it.each([
    ["deepSets", () => deepSets({ elementSize: 1, phi: [16, 16], rho: [16] })],
    ["gru", () => gru({ hidden: 8 })],
    ["conv1d", () => conv1d({ channels: [16, 16], kernel: 3, padding: 2 })],
  ] as const)("withSummary(%s, mlpNet) trained by fit reaches the exact posterior N(S xbar / (S + 1), 1 / (S + 1))", (_, summary) => {
    const data = new Dataset(flat, { dim: S });
    const q = makeFamily(model, data, { kind: "avi", net: withSummary(summary(), mlpNet({ width: 16 })), seed: 1 });
    const iterations = 3000;
    const r = fit({ model, guide: q, objective: elbo(), data, iterations, batchSize: 100, lr: 3e-3, lrSchedule: cosineDecay(iterations, 0.05), rng: 2 });
    expect(r.diverged).toBeNull();
    const f = noGrad(() => q.localFactors(data.batch(Int32Array.from({ length: N }, (_, i) => i))).z);
    const meanErr = f.mean.toArray().map((m, n) => m - exactMean[n]);
    const sdErr = f.logStd.toArray().map((l) => Math.abs(Math.exp(l) - exactSd));
    const rms = Math.sqrt(meanErr.reduce((a, e) => a + e * e, 0) / N);
    // a Const family (one factor for all n) would be at rms ~ 0.95, the spread of S xbar / (S + 1)
    expect(rms).toBeLessThan(0.03);
    expect(sdErr.reduce((a, e) => a + e, 0) / N).toBeLessThan(0.015);
    expect(Math.max(...sdErr)).toBeLessThan(0.06);
    q.dispose();
    data.obs.dispose();
  });
});
