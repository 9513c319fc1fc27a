// amortvi side of the coupling-flow training step (issue 12): forward log q
// (the density direction: base affine inverse, then the L coupling layers
// inverted), backward and one Adam step, on a fixed batch x ~ N(0, I) with a
// zero context (mean 0, logStd 0, no embedding). bench/peers/flow_step.py
// does the same in plain torch.
import { measure } from "./measure.mjs";

const NEEDED = ["realNVP", "neuralSplineFlow", "ParamSpecs", "Adam", "Rng", "Tensor", "valueAndGrad", "neg", "mean"];

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

/** Steps/s of the flow step (or {status: "n/a"} while the flows are not exported from the entry). */
export function flowAmortvi(av, s) {
  const gone = NEEDED.filter((n) => av[n] === undefined);
  if (gone.length) return { status: "n/a", reason: `not exported yet: ${gone.join(", ")}` };
  const step = flowStep(av, s);
  const first = step();
  const stats = measure(step);
  return { ...stats, lossFirst: first, memoryBytes: av.runtime().memoryBytes };
}
