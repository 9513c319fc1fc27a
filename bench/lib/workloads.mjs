// amortvi side of the whole-run workloads (public API of the built package):
// the note-1 qp fit, the avi-nonlinear-sized step, memory over 100,000 VAE
// steps and the VAE scaling table. Definitions shared with the PyTorch peers
// bench/peers/qp_fit.py and bench/peers/avi_step.py.
import { precisionMissing, vaeStep } from "./amortvi.mjs";
import { measure } from "./measure.mjs";

/**
 * note-1 (EXPERIMENTS.md): p(x) = N(0,1), p(y|x) = N(x,1), q(x|y) = N(a y + b, c^2),
 * qp loss (negative ELBO, reparameterized), batch 1, Adam lr 1e-3, a = b = c = 2
 * at the start. Returns a step function and a reader of (a, b, c).
 */
export function qpFitStep(av, batch = 1) {
  const specs = new av.ParamSpecs();
  const a = specs.add("a", [1], av.inits.constant(2));
  const b = specs.add("b", [1], av.inits.constant(2));
  const logC = specs.add("logC", [1], av.inits.constant(Math.log(2)));
  const store = specs.build(new av.Rng(1));
  const opt = new av.Adam(store, { lr: 1e-3 });
  const rng = new av.Rng(2);
  const zero = av.Tensor.scalar(0, "persistent");
  const objective = () => {
    const y = av.add(rng.normal([batch, 1]), rng.normal([batch, 1])); // y ~ p(y) = N(0, 2)
    const qMean = av.add(av.mul(y, a.tensor), b.tensor);
    const x = av.normalRsample(qMean, logC.tensor, rng.normal([batch, 1]));
    const logJoint = av.add(av.normalLogProb(x, zero, zero), av.normalLogProb(y, x, zero));
    return av.mean(av.sub(av.normalLogProb(x, qMean, logC.tensor), logJoint));
  };
  const step = () => {
    const loss = av.valueAndGrad(objective);
    opt.step();
    return loss;
  };
  return { step, read: () => ({ a: a.tensor.item(), b: b.tensor.item(), c: Math.exp(logC.tensor.item()) }) };
}

/** Wall time of the full fit (s.steps steps, one timed run after a separate 2,000-step warm-up fit). */
export function qpFitAmortvi(av, s) {
  const warm = qpFitStep(av);
  for (let i = 0; i < 2000; i++) warm.step();
  const fit = qpFitStep(av);
  const t0 = performance.now();
  for (let i = 0; i < s.steps; i++) fit.step();
  const seconds = (performance.now() - t0) / 1000;
  const rate = s.steps / seconds;
  return { median: rate, min: rate, max: rate, rounds: 1, wallSeconds: seconds, fit: fit.read(), memoryBytes: av.runtime().memoryBytes };
}

/**
 * Stand-in for one avi-nonlinear A-VI step (document 000; EXPERIMENTS.md):
 * N observations, M Monte Carlo samples, mean and log-std networks 1-k-k-1
 * ReLU on x_n, a mean-field Normal on theta, the likelihood
 * x_n ~ N(theta + z + z sin z, exp(cos z)^2). standIn: tanh for sin and
 * sigmoid for cos (the same number of elementwise ops over the same [M, N]
 * tensors, with functions that have f64x2 kernels). bench/peers/avi_step.py
 * does exactly the same.
 */
export function aviStep(av, { n, m, k, standIn = false }) {
  const rng = new av.Rng(1);
  const specs = new av.ParamSpecs();
  const meanNet = new av.MLP([1, k, k, 1], { activation: "relu", specs: specs.scope("mean") });
  const stdNet = new av.MLP([1, k, k, 1], { activation: "relu", specs: specs.scope("logStd") });
  const thetaMean = specs.add("thetaMean", [1], av.inits.zeros);
  const thetaLogStd = specs.add("thetaLogStd", [1], av.inits.zeros);
  const store = specs.build(rng.fork(1));
  const opt = new av.Adam(store, { lr: 1e-2 });
  const x = rng.normal([n, 1], "persistent"); // observations as a column for the networks
  const xRows = av.Tensor.from(Array.from({ length: m }, () => x.toArray()).flat(), [m, n], "persistent");
  const zero = av.Tensor.scalar(0, "persistent");
  const objective = () => {
    const qMean = av.reshape(meanNet.forward(x), [1, n]);
    const qLogStd = av.reshape(stdNet.forward(x), [1, n]);
    const theta = av.normalRsample(thetaMean.tensor, thetaLogStd.tensor, rng.normal([m, 1])); // [M, 1]
    const z = av.normalRsample(qMean, qLogStd, rng.normal([m, n])); // [M, N]
    const xMean = av.add(av.add(z, theta), av.mul(z, standIn ? av.tanh(z) : av.sin(z)));
    const logLik = av.normalLogProb(xRows, xMean, standIn ? av.sigmoid(z) : av.cos(z)); // [M]
    const logPrior = av.add(av.normalLogProb(z, zero, zero), av.normalLogProb(theta, zero, zero));
    const logQ = av.add(av.normalLogProb(z, qMean, qLogStd), av.normalLogProb(theta, thetaMean.tensor, thetaLogStd.tensor));
    return av.mean(av.sub(logQ, av.add(logLik, logPrior)));
  };
  return () => {
    const loss = av.valueAndGrad(objective);
    opt.step();
    return loss;
  };
}

/** Steps/s of the avi step; wallSeconds extrapolates s.steps steps from the median rate. */
export function aviAmortvi(av, s) {
  const step = aviStep(av, s);
  const first = step();
  const stats = measure(step, { warmupMs: 2000, warmupIters: 5, roundMs: 1000, rounds: 5, maxMs: 20000 });
  return { ...stats, wallSeconds: s.steps / stats.median, lossFirst: first, memoryBytes: av.runtime().memoryBytes };
}

/** Memory over s.steps VAE steps after a 1,000-step warm-up: Wasm memory and arena high-water mark before and after. */
export function memoryAmortvi(av, s) {
  const rt = av.runtime();
  const step = vaeStep(av, s);
  for (let i = 0; i < 1000; i++) step();
  const before = { memoryBytes: rt.memoryBytes, arenaPeakBytes: rt.arena.peakBytes };
  const t0 = performance.now();
  for (let i = 0; i < s.steps; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  const after = { memoryBytes: rt.memoryBytes, arenaPeakBytes: rt.arena.peakBytes };
  const rate = s.steps / seconds;
  const grew = after.memoryBytes !== before.memoryBytes || after.arenaPeakBytes !== before.arenaPeakBytes;
  return { median: rate, min: rate, max: rate, rounds: 1, wallSeconds: seconds, before, after, grew, memoryBytes: rt.memoryBytes };
}

/** Step time (us, median) of the VAE step as batch and width double (MLPs in `precision`); one process per point keeps memory peaks apart. */
export function scalingPointAmortvi(av, s, precision = "f64") {
  const gone = precisionMissing(av, precision);
  if (gone) return gone;
  const step = vaeStep(av, s, precision);
  step();
  const stats = measure(step, { warmupMs: 500, roundMs: 150, rounds: 5, maxMs: 3000 });
  return { ...stats, usPerStep: 1e6 / stats.median, memoryBytes: av.runtime().memoryBytes };
}
