// TensorFlow.js peer (f32 only: tfjs has no f64 kernels). Backends: "wasm"
// (@tensorflow/tfjs-backend-wasm, XNNPACK, SIMD, one thread in Node) and
// "cpu" (plain JS). Loaded from node_modules, no network.
import { createRequire } from "node:module";
import path from "node:path";
import { measure, scaleRates } from "./measure.mjs";
import { flopOf } from "./scenarios.mjs";

const require = createRequire(import.meta.url);

/** Drops the "install tfjs-node" banner tfjs prints on first use in Node (this runs in a child process). */
function hideTfjsNodeHint() {
  for (const level of ["log", "warn"]) {
    const original = console[level];
    console[level] = (...args) => {
      const text = args.join(" ");
      if (!text.includes("tfjs-node") && !/^=+$/.test(text.trim())) original(...args);
    };
  }
}

/** Loads tfjs with `backend` active; quiet about the tfjs-node hint. */
export async function loadTfjs(backend) {
  const tf = require("@tensorflow/tfjs");
  if (backend === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm");
    const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    wasm.setWasmPaths(dir + path.sep);
  }
  hideTfjsNodeHint();
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();
  return tf;
}

/**
 * GFLOP/s of tf.matMul on persistent inputs (tfjs allocates each output; it is
 * disposed every call). The wasm backend (XNNPACK) caches the packed B per
 * tensor, which a training step cannot reuse (weights change every step), so
 * `freshB` also times it with a new B tensor each call (includes a copy of B).
 */
export function gemmTfjs(tf, s) {
  const a = tf.randomNormal([s.m, s.k], 0, 1, "float32", 1);
  const b = tf.randomNormal([s.k, s.n], 0, 1, "float32", 2);
  const gflop = flopOf(s) / 1e9;
  const result = scaleRates(measure(() => tf.matMul(a, b).dispose()), gflop);
  if (tf.getBackend() === "wasm") {
    const values = b.dataSync().slice();
    const fresh = () => {
      const b2 = tf.tensor2d(values, [s.k, s.n]);
      tf.matMul(a, b2).dispose();
      b2.dispose();
    };
    result.freshB = scaleRates(measure(fresh), gflop);
  }
  return result;
}

function dense(tf, fanIn, fanOut, seed) {
  const w = tf.variable(tf.randomNormal([fanIn, fanOut], 0, 1 / Math.sqrt(fanIn), "float32", seed));
  const b = tf.variable(tf.zeros([fanOut]));
  return { w, b };
}

/** Steps/s of the VAE training step (see bench/peers/vae_step.py for the definition). */
export function vaeTfjs(tf, s) {
  const { d, h, z: zDim, b: batch } = s;
  const e1 = dense(tf, d, h, 11);
  const e2 = dense(tf, h, 2 * zDim, 12);
  const d1 = dense(tf, zDim, h, 13);
  const d2 = dense(tf, h, d, 14);
  const x = tf.randomUniform([batch, d], 0, 1, "float32", 15);
  const logNorm = 0.5 * d * Math.log(2 * Math.PI);
  const opt = tf.train.adam(1e-3);
  let seed = 100;
  const lossFn = () => {
    const out = tf.matMul(tf.tanh(tf.matMul(x, e1.w).add(e1.b)), e2.w).add(e2.b);
    const mean = out.slice([0, 0], [batch, zDim]);
    const logStd = out.slice([0, zDim], [batch, zDim]);
    const eps = tf.randomNormal([batch, zDim], 0, 1, "float32", seed++);
    const z = mean.add(logStd.exp().mul(eps));
    const xMean = tf.matMul(tf.tanh(tf.matMul(z, d1.w).add(d1.b)), d2.w).add(d2.b);
    const logPx = x.sub(xMean).square().sum(1).mul(-0.5).sub(logNorm);
    const kl = logStd.neg().add(logStd.mul(2).exp().add(mean.square()).mul(0.5)).sub(0.5).sum(1);
    return kl.sub(logPx).mean();
  };
  const step = () => {
    const loss = opt.minimize(lossFn, true);
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  const stats = measure(step);
  return { ...stats, tensorsAfter: tf.memory().numTensors, lossAfter: step() };
}
