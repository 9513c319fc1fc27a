// note-1 (the Gaussian-Gaussian model of the amortized-inference note) trained
// through the root entry only, so that Node and a browser page run the very
// same code on the very same build (dist/index.js): x ~ N(0, 1), y | x ~ N(x, 1),
// q(x | y) = N(a y + b, c^2) from a = b = c = 2, the qp loss (ELBO) and the pq
// loss (forward KL on joint draws), the study's quick settings (batch 64, Adam
// lr 0.05, cosine decay to 0.01). The exact optimum: a* = 1/2, b* = 0, c* = sqrt(1/2).
// Plain JavaScript (no TypeScript): the page loads this file as it is.

/** Trains both losses for `steps` steps from `seed`; returns each loss curve and the final a, b and log c (the parameters as stored: exp in JS may differ between engines in the last bit). */
export async function trainNote1(amortvi, { steps, seed }) {
  const { Normal, Rng, cosineDecay, defineModel, elbo, fit, forwardKL, init, makeFamily, polynomialNet } = amortvi;
  await init();
  const model = defineModel("note-1", (m) => {
    m.plate("data", () => {
      const x = m.sample("x", new Normal(0, 1));
      m.observe("y", new Normal(x, 1));
    });
  });
  const root = new Rng(seed);
  const runs = {};
  for (const [i, loss] of ["qp", "pq"].entries()) {
    const guide = makeFamily(model, null, { kind: "avi", net: polynomialNet(1, { init: { coefficients: 2, bias: 2, logStd: Math.log(2) } }) });
    const objective = loss === "pq" ? forwardKL() : elbo({ scale: "datapoint" });
    const result = fit({ model, guide, objective, batchSize: 64, iterations: steps, lr: 0.05, lrSchedule: cosineDecay(steps, 0.01), rng: root.fork(i) });
    const store = guide.params[0];
    runs[loss] = {
      losses: Array.from(result.losses.subarray(0, result.steps)),
      a: store.get("net.coef.weight").item(),
      b: store.get("net.coef.bias").item(),
      logC: store.get("net.logStd").item(),
    };
    guide.dispose();
  }
  return runs;
}
