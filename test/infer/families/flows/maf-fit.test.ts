// Qualitative fits on a banana-shaped 2-D target,
//   u_1 ~ N(0, 1),  u_2 | u_1 ~ N(u_1^2 - 1, 0.5^2),
// whose expected log-density is -H(p) = -(0.5 log(2 pi e) + 0.5 log(2 pi e) + log 0.5) = -2.1447.
// MAF by maximum likelihood on draws from it, IAF by reverse KL to its density;
// each must beat the best diagonal Gaussian clearly, and neither may beat
// the bound that only a correctly normalized density respects.
import { describe, expect, it } from "vitest";
import { iaf, maf } from "../../../../src/infer/families/flows/maf.js";
import { diagonalGaussian, type ConditionalDensity, type DensityFamily } from "../../../../src/infer/families/density.js";
import { add, sub } from "../../../../src/autodiff/ops/binary.js";
import { normalLogProb } from "../../../../src/autodiff/ops/gaussian.js";
import { mean } from "../../../../src/autodiff/ops/reduce.js";
import { repeatRows, sliceCols } from "../../../../src/autodiff/ops/shape.js";
import { neg, shift, square } from "../../../../src/autodiff/ops/unary.js";
import { noGrad, valueAndGrad } from "../../../../src/autodiff/tape.js";
import { tidy } from "../../../../src/core/scope.js";
import { Rng } from "../../../../src/core/rng.js";
import { Tensor } from "../../../../src/core/tensor.js";
import { ParamSpecs, type Param } from "../../../../src/nn/module.js";
import { Adam } from "../../../../src/optim/adam.js";
import { meanAndStdErr } from "../../../helpers/quadrature.js";

const NEG_ENTROPY = -(Math.log(2 * Math.PI * Math.E) + Math.log(0.5));

/** n draws of the banana, row-major [n, 2] (test data, made once). */
function bananaDraws(n: number, seed: number): Tensor {
  const z = new Rng(seed).normal([n, 2]).toArray();
  const u = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    u[2 * i] = z[2 * i];
    u[2 * i + 1] = z[2 * i] ** 2 - 1 + 0.5 * z[2 * i + 1];
  }
  return Tensor.from(u, [n, 2], "persistent");
}

/** log p(u) of the banana, [rows], from tape ops (differentiable in u). */
function bananaLogDensity(u: Tensor): Tensor {
  const u1 = sliceCols(u, 0, 1);
  return add(normalLogProb(u1, 0, 0), normalLogProb(sliceCols(u, 1, 2), shift(square(u1), -1), Math.log(0.5)));
}

/** A density of `family` over R^2 with one free, trainable context row started at N(0, I). */
function freeDensity(family: DensityFamily, seed: number): { q: ConditionalDensity; context: Param; specs: ParamSpecs } {
  const specs = new ParamSpecs();
  const q = family.build(specs.scope("q"), 2);
  const row = family.initialContext([0, 0], [0, 0]);
  const context = specs.add("context", [1, row.length], (t) => t.set(row));
  specs.build(new Rng(seed));
  return { q, context, specs };
}

/** Adam on loss() for `steps` steps. */
function train(specs: ParamSpecs, steps: number, lr: number, loss: () => Tensor): void {
  const opt = new Adam(specs.store, { lr });
  for (let t = 0; t < steps; t++) {
    valueAndGrad(loss);
    opt.step();
  }
}

describe("MAF by maximum likelihood", () => {
  it("fits the banana far better than the maximum-likelihood diagonal Gaussian (held-out log-likelihood)", () => {
    const train1 = bananaDraws(1024, 1);
    const test1 = bananaDraws(8000, 2);
    const { q, context, specs } = freeDensity(maf({ layers: 4, hidden: [32] }), 3);
    train(specs, 800, 5e-3, () => neg(mean(q.logProb(train1, repeatRows(context.tensor, train1.rows)))));
    const ll = meanAndStdErr(tidy(() => noGrad(() => q.logProb(test1, repeatRows(context.tensor, test1.rows)).toArray())));
    // the diagonal Gaussian's maximum likelihood: sample mean and variance per coordinate
    const tr = train1.toArray();
    const gaussLl = [0, 1].reduce((s, j) => {
      const m = meanAndStdErr(tr.filter((_, i) => i % 2 === j));
      const te = test1.toArray().filter((_, i) => i % 2 === j);
      return s + te.reduce((a, v) => a - 0.5 * Math.log(2 * Math.PI * m.variance) - (v - m.mean) ** 2 / (2 * m.variance), 0) / te.length;
    }, 0);
    console.log(`MAF held-out log-likelihood ${ll.mean.toFixed(3)} +- ${ll.se.toFixed(3)}, diagonal Gaussian ${gaussLl.toFixed(3)}, -H(p) ${NEG_ENTROPY.toFixed(3)}`);
    expect(ll.mean).toBeGreaterThan(gaussLl + 0.8);
    expect(ll.mean).toBeLessThan(NEG_ENTROPY + 4 * ll.se); // Gibbs: E_p log q <= E_p log p for a normalized q
  });
});

describe("IAF by reverse KL", () => {
  /** ELBO = E_q[log p(u) - log q(u)] (log Z = 0 here) after a reverse-KL fit of `family`, from 20,000 fresh draws. */
  function fitElbo(family: DensityFamily, seed: number) {
    const { q, context, specs } = freeDensity(family, seed);
    const rng = new Rng(seed + 1);
    train(specs, 1500, 3e-3, () => {
      const d = q.rsample(repeatRows(context.tensor, 256), rng);
      return mean(sub(d.logQ, bananaLogDensity(d.u)));
    });
    const gaps = tidy(() => noGrad(() => {
      const d = q.rsample(repeatRows(context.tensor, 20000), new Rng(seed + 2));
      return sub(bananaLogDensity(d.u), d.logQ).toArray();
    }));
    return meanAndStdErr(gaps);
  }

  it("reaches a far higher ELBO on the banana than the diagonal Gaussian", () => {
    const flow = fitElbo(iaf({ layers: 4, hidden: [32] }), 5);
    const gauss = fitElbo(diagonalGaussian(), 5);
    console.log(`IAF ELBO ${flow.mean.toFixed(3)} +- ${flow.se.toFixed(3)}, diagonal Gaussian ${gauss.mean.toFixed(3)} +- ${gauss.se.toFixed(3)} (log Z = 0)`);
    expect(flow.mean).toBeGreaterThan(gauss.mean + 0.3);
    expect(flow.mean).toBeLessThan(4 * flow.se); // ELBO <= log Z = 0
  });
});
