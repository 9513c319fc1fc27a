// The amortvi side of each scenario, written against the PUBLIC API of the
// built package (the module object `av` is passed in by run.mjs, which imports
// ../dist/index.js). Everything is f64, except the "amortvi-f32" runs: the
// same VAE step with MLPs of precision "f32" (f32 products and activations,
// f64 storage). When an export the scenario needs is not there yet, the
// result is {status: "n/a", reason} instead of a number.
import { measure, scaleRates } from "./measure.mjs";
import { flopOf } from "./scenarios.mjs";

function missing(av, names) {
  const gone = names.filter((n) => av[n] === undefined);
  return gone.length ? { status: "n/a", reason: `not exported yet: ${gone.join(", ")}` } : null;
}

/**
 * GFLOP/s of the raw kernel rt.k.gemmNN(a, b, c, M, K, N, beta = 0) (C = A B) on persistent buffers, checked against plain JS first;
 * with threads, the row split parallelGemmNN over the threaded default runtime.
 */
export function gemmAmortvi(av, s, precision = "f64", threads = 1) {
  if (precision === "f32") return gemm32Amortvi(av, s);
  const gone = missing(av, threads > 1 ? ["runtime", "Rng", "parallelGemmNN"] : ["runtime", "Rng"]);
  if (gone) return gone;
  const rt = av.runtime();
  if (threads > 1 && rt.threads?.size !== threads) return { status: "error", reason: `runtime has ${rt.threads?.size ?? 1} threads, expected ${threads}` };
  const gemm = threads > 1 ? (a, b, c, m, k, n, beta) => av.parallelGemmNN(rt, a, b, c, m, k, n, beta) || rt.k.gemmNN(a, b, c, m, k, n, beta) : rt.k.gemmNN;
  if (typeof gemm !== "function") return { status: "n/a", reason: "rt.k.gemmNN not exported yet" };
  const { m, k, n } = s;
  const a = rt.alloc(m * k * 8);
  const b = rt.alloc(k * n * 8);
  const c = rt.alloc(m * n * 8);
  const rng = new av.Rng(1);
  rng.fillNormal(a, m * k);
  rng.fillNormal(b, k * n);
  rt.k.fill(c, m * n, 0);
  gemm(a, b, c, m, k, n, 0);
  const err = maxGemmError(rt.f64, a / 8, b / 8, c / 8, m, k, n);
  if (!(err < 1e-9)) return { status: "error", reason: `gemmNN(a, b, c, M, K, N, 0) differs from plain JS by ${err}` };
  const stats = measure(() => gemm(a, b, c, m, k, n, 0));
  return { ...scaleRates(stats, flopOf(s) / 1e9), memoryBytes: rt.memoryBytes };
}

/** GFLOP/s of rt.k.gemm32NN (f32 C = A B) on persistent f32 buffers, checked against plain f64 JS first. */
function gemm32Amortvi(av, s) {
  const rt = av.runtime();
  if (typeof rt.k.gemm32NN !== "function") return { status: "n/a", reason: "rt.k.gemm32NN not exported yet" };
  const { m, k, n } = s;
  const a = rt.alloc(m * k * 4);
  const b = rt.alloc(k * n * 4);
  const c = rt.alloc(m * n * 4);
  const tmp = rt.alloc(Math.max(m * k, k * n) * 8);
  const rng = new av.Rng(1);
  for (const [p, size] of [[a, m * k], [b, k * n]]) {
    rng.fillNormal(tmp, size);
    rt.k.f64ToF32(tmp, p, size);
  }
  rt.k.gemm32NN(a, b, c, m, k, n, 0);
  const f = new Float32Array(rt.f64.buffer);
  const err = maxGemmError(f, a / 4, b / 4, c / 4, m, k, n);
  if (!(err < 1e-4)) return { status: "error", reason: `gemm32NN(a, b, c, M, K, N, 0) differs from plain JS by ${err}` };
  const stats = measure(() => rt.k.gemm32NN(a, b, c, m, k, n, 0));
  return { ...scaleRates(stats, flopOf(s) / 1e9), memoryBytes: rt.memoryBytes };
}

function maxGemmError(f, a, b, c, m, k, n) {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += f[a + i * k + p] * f[b + p * n + j];
      worst = Math.max(worst, Math.abs(acc - f[c + i * n + j]) / (1 + Math.abs(acc)));
    }
  }
  return worst;
}

const VAE_API = ["runtime", "Rng", "Tensor", "MLP", "Adam", "valueAndGrad", "sliceCols", "normalRsample", "normalLogProb", "normalKL", "sub", "mean"];

/** Reason the built package cannot run MLPs in `precision`, or null ("f64" always runs). */
export function precisionMissing(av, precision) {
  if (precision === "f64" || av.PRECISIONS?.includes(precision)) return null;
  return { status: "n/a", reason: `MLP precision "${precision}" not available yet` };
}

/** One VAE training step (definition: bench/peers/vae_step.py) built from MLP, normalRsample, normalLogProb, normalKL, Adam; returns step() -> loss. precision: the MLPs' (f64 or f32). */
export function vaeStep(av, { d, h, z, b: batch }, precision = "f64") {
  const rng = new av.Rng(1);
  const nets = { activation: "tanh", outputActivation: "identity", ...(precision === "f64" ? {} : { precision }) };
  const enc = new av.MLP([d, h, 2 * z], { ...nets, rng: rng.fork(1) });
  const dec = new av.MLP([z, h, d], { ...nets, rng: rng.fork(2) });
  const opt = new av.Adam([enc, dec], { lr: 1e-3 }); // step() also zeroes the gradients
  const x = rng.uniform([batch, d], "persistent");
  const zero = av.Tensor.scalar(0, "persistent");
  const objective = () => {
    const out = enc.forward(x);
    const mean = av.sliceCols(out, 0, z);
    const logStd = av.sliceCols(out, z, 2 * z);
    const latent = av.normalRsample(mean, logStd, rng.normal([batch, z]));
    const logPx = av.normalLogProb(x, dec.forward(latent), zero);
    const kl = av.normalKL(mean, logStd, zero, zero);
    return av.mean(av.sub(kl, logPx));
  };
  return () => {
    const loss = av.valueAndGrad(objective);
    opt.step();
    return loss;
  };
}

/** Steps/s of the VAE training step; memoryBytes is the Wasm memory after the run (the peak: it only grows). threads > 1: checks the default runtime has them. */
export function vaeAmortvi(av, s, precision = "f64", threads = 1) {
  const gone = missing(av, VAE_API) ?? precisionMissing(av, precision);
  if (gone) return gone;
  const rt = av.runtime();
  if (threads > 1 && rt.threads?.size !== threads) return { status: "error", reason: `runtime has ${rt.threads?.size ?? 1} threads, expected ${threads}` };
  const step = vaeStep(av, s, precision);
  const first = step();
  const stats = measure(step);
  return { ...stats, memoryBytes: rt.memoryBytes, lossFirst: first, lossAfter: step(), ...(rt.threads ? { threadJobs: rt.threads.jobs } : {}) };
}
