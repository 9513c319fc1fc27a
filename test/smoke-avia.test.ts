import { it } from "vitest";
import { Rng, cosineDecay } from "../src/index.js";
import { Dataset, makeFamily, fitFamily, mlpNet } from "../src/infer/families/index.js";
import { NonlinearModel } from "../src/models/avi/nonlinear.js";
import { evaluateNegElbo } from "../src/diagnostics/amortization.js";
it("smoke", () => {
  const nl = new NonlinearModel();
  for (const N of [400, 1000]) {
  const data = new Dataset(nl.sampleJoint(N, new Rng(1)).batch.obs.toArray());
  const c = nl.negElboConstantPerDatapoint * N;
  const it = 2000;
  for (const [name, o, lr] of [["fvi", { kind: "fvi" }, 0.05], ["k8 .01", { kind: "avi", net: mlpNet({ width: 8 }) }, 0.01], ["k8 std .01", { kind: "avi", net: mlpNet({ width: 8 }), standardize: true }, 0.01], ["k8 std .02", { kind: "avi", net: mlpNet({ width: 8 }), standardize: true }, 0.02], ["k8 tanh std .02", { kind: "avi", net: mlpNet({ width: 8, activation: "tanh" }), standardize: true }, 0.02], ["k4 std .02", { kind: "avi", net: mlpNet({ width: 4 }), standardize: true }, 0.02]] as const) {
    const fam = makeFamily(nl, data, o as any);
    fitFamily(nl, fam, data, { iterations: it, lr, rng: new Rng(2), samples: 4, schedule: cosineDecay(it, 0.01) });
    const ev = evaluateNegElbo(nl, fam, data, new Rng(3), 50);
    console.log(N, name, (ev.total - c).toFixed(2));
  }}
});
