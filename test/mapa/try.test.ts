import { it } from "vitest";
import { syntheticDataset, truePosterior, latentGrid } from "../../src/index.js";
import { runPipeline, PIPELINES, priorOnlyLogLikelihood } from "../../src/experiments/mapa/shared.js";
it("try", () => {
  const name = (process.env.DS ?? "spiral") as any;
  const ds = syntheticDataset(name, 1);
  const truth = truePosterior(ds, ds.test);
  if (ds.latentDim === 2) console.log("coarse truth", truePosterior(ds, ds.test, latentGrid(2, 101)).logLikelihood.reduce((a, b) => a + b, 0) / ds.nTest);
  console.log(name, "true LL", (truth.logLikelihood.reduce((a, b) => a + b, 0) / ds.nTest).toFixed(3), "prior-only", priorOnlyLogLikelihood(ds).toFixed(3));
  const s = { budgetPasses: Number(process.env.BUDGET ?? 400), maxEpochs: 100000, batchSize: 100, hidden: 50, lr: 1e-3, mapaK: Number(process.env.K ?? 5), mapaComponents: Number(process.env.M ?? 32), evaluations: 10, evalRows: 300, gridPerDim: [801, 101] as const };
  for (const p of (process.env.P ?? PIPELINES.join(",")).split(",")) {
    const r = runPipeline(ds, p as any, 1, s);
    console.log(p, "final", r.finalTestLL.toFixed(3), "steps", r.steps, "s", r.seconds.toFixed(2), "pre", JSON.stringify(r.precompute), "curve", r.curve.map((c) => `${c.passes.toFixed(0)}:${c.testLL.toFixed(2)}`).join(" "), "switch", r.switchedOffStep);
  }
});
