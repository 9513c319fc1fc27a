// amortvi side of the normalizing-flow training steps (public API of the
// built package): MAF (peer bench/peers/maf_step.py) and the coupling flows
// (peer bench/peers/flow_step.py).
import { measure } from "./measure.mjs";

const MAF_API = ["maf", "ParamSpecs", "Rng", "Tensor", "Adam", "valueAndGrad", "repeatRows", "neg", "mean"];

const NEEDED = ["realNVP", "neuralSplineFlow", "ParamSpecs", "Adam", "Rng", "Tensor", "valueAndGrad", "neg", "mean"];

/**
 * One MAF maximum-likelihood step (Papamakarios et al. 2017): x [B, D] fixed
 * standard-normal data; the flow maf({ layers, hidden: [H], embedding: E })
 * (tanh MADEs, order reversed between layers) with one free context row
 * (mean, logStd, embedding) repeated over the batch; loss = -mean log q(x | c)
 * (one MADE pass per layer), backward, one Adam step (lr 1e-3).
 */
export function mafStep(av, { d, layers, hidden, embedding, b: batch }) {
  const family = av.maf({ layers, hidden: [hidden], embedding });
  const specs = new av.ParamSpecs();
  const q = family.build(specs.scope("flow"), d);
  const row = family.initialContext(new Array(d).fill(0), new Array(d).fill(0));
  const context = specs.add("context", [1, row.length], (t) => t.set(row));
  const store = specs.build(new av.Rng(1));
  const opt = new av.Adam(store, { lr: 1e-3 });
  const x = new av.Rng(2).normal([batch, d], "persistent");
  const objective = () => av.neg(av.mean(q.logProb(x, av.repeatRows(context.tensor, batch))));
  return () => {
    const loss = av.valueAndGrad(objective);
    opt.step();
    return loss;
  };
}

/** The step function of scenario s ({flow: "realnvp" | "nsf", dim, layers, hidden, batch, bins}). */
export function flowStep(av, { flow, dim, layers, hidden, batch, bins }) {
  const options = { layers, hidden: [hidden, hidden], embedding: 0, activation: "relu" };
  const family = flow === "realnvp" ? av.realNVP(options) : av.neuralSplineFlow({ ...options, bins, bound: 3 });
  const specs = new av.ParamSpecs();
  const q = family.build(specs, dim);
  const store = specs.build(new av.Rng(1));
  const opt = new av.Adam(store, { lr: 1e-3 });
  const x = new av.Rng(2).normal([batch, dim], "persistent");
  const context = av.Tensor.zeros([batch, q.contextSize], "persistent");
  const objective = () => av.neg(av.mean(q.logProb(x, context)));
  return () => {
    const loss = av.valueAndGrad(objective);
    opt.step();
    return loss;
  };
}

/** Steps/s of the MAF step; n/a until the root entry exports what it needs. */
export function mafAmortvi(av, s) {
  const gone = MAF_API.filter((n) => av[n] === undefined);
  if (gone.length) return { status: "n/a", reason: `not exported yet: ${gone.join(", ")}` };
  const step = mafStep(av, s);
  const first = step();
  const stats = measure(step);
  return { ...stats, lossFirst: first, lossAfter: step(), memoryBytes: av.runtime().memoryBytes };
}

/** Steps/s of the flow step (or {status: "n/a"} while the flows are not exported from the entry). */
export function flowAmortvi(av, s) {
  const gone = NEEDED.filter((n) => av[n] === undefined);
  if (gone.length) return { status: "n/a", reason: `not exported yet: ${gone.join(", ")}` };
  const step = flowStep(av, s);
  const first = step();
  const stats = measure(step);
  return { ...stats, lossFirst: first, memoryBytes: av.runtime().memoryBytes };
}
