// dense with precision "f32" (assembly/dense32.ts): f32 products and
// activations, f64 storage. Compared against the f64 dense (forward and tape
// gradients) and against central finite differences at an f32-sized step.
import { describe, it, expect } from "vitest";
import {
  Rng,
  Tensor,
  UnknownNameError,
  add,
  backward,
  dense,
  detach,
  noGrad,
  runtime,
  scale,
  type Activation,
  type Precision,
} from "../../src/index.js";
import { activationCode, clearTape, startRecording, stopRecording } from "../../src/low-level.js";
import { gradCheck } from "../helpers/gradcheck.js";

const ACTIVATIONS = Object.keys(activationCode) as Activation[];
const SLOPE = 0.1;
const F32 = { precision: "f32" } as const;

/** [B, nIn, nOut]: 1x1x1, SIMD tails, the small VAE layers, nIn or nOut > 256, several forward row blocks (last two). */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 3, 2],
  [3, 1, 5],
  [5, 7, 9],
  [2, 8, 3],
  [100, 10, 50],
  [100, 50, 4],
  [7, 300, 5],
  [5, 9, 260],
  [33, 257, 129],
  [100, 10, 300],
  [70, 3, 1001],
];

interface Layer {
  x: number[];
  W: number[];
  b: number[];
  gy: number[];
  B: number;
  nIn: number;
  nOut: number;
}

/** Random inputs with pre-activations of order 1 (W scaled by 1/sqrt(nIn)). */
function layer(B: number, nIn: number, nOut: number, seed = 1): Layer {
  const rng = new Rng(seed);
  const normals = (n: number, s = 1) => rng.normal([n]).toArray().map((v) => v * s);
  return { x: normals(B * nIn), W: normals(nIn * nOut, 1 / Math.sqrt(nIn)), b: normals(nOut, 0.5), gy: normals(B * nOut), B, nIn, nOut };
}

interface Run {
  y: number[];
  dx: number[];
  dW: number[];
  db: number[];
}

/** y = dense(x, W, b) and the tape gradients of sum(gy * y) in the given precision; bias null when withBias is false. */
function run(l: Layer, activation: Activation, precision: Precision, withBias = true): Run {
  const x = Tensor.from(l.x, [l.B, l.nIn], "persistent");
  const W = Tensor.from(l.W, [l.nIn, l.nOut], "persistent");
  const b = withBias ? Tensor.from(l.b, [l.nOut], "persistent") : null;
  for (const t of [x, W, b]) if (t) t.requiresGrad = true;
  startRecording();
  const y = dense(x, W, b, activation, SLOPE, { precision });
  stopRecording();
  const gy = Tensor.from(l.gy, [l.B, l.nOut], "persistent");
  backward(y, gy);
  const out = { y: y.toArray(), dx: x.grad!.toArray(), dW: W.grad!.toArray(), db: b ? b.grad!.toArray() : [] };
  clearTape(); // forgets the arena gradients
  for (const t of [x, W, b, gy]) t?.dispose();
  return out;
}

/** max_i |a_i - b_i| / max(1, |b_i|). */
function relErr(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))), 0);
}

describe("dense, precision f32", () => {
  describe.each(ACTIVATIONS)("%s", (activation) => {
    it.each(SHAPES)("forward and gradients match the f64 layer, B=%i nIn=%i nOut=%i", (B, nIn, nOut) => {
      const l = layer(B, nIn, nOut);
      for (const withBias of [true, false]) {
        const lo = run(l, activation, "f32", withBias);
        const hi = run(l, activation, "f64", withBias);
        expect(relErr(lo.y, hi.y)).toBeLessThan(1e-5);
        expect(relErr(lo.dx, hi.dx)).toBeLessThan(1e-4);
        expect(relErr(lo.dW, hi.dW)).toBeLessThan(1e-4);
        expect(relErr(lo.db, hi.db)).toBeLessThan(1e-4);
      }
    });

    it.each([
      [1, 1, 1],
      [3, 5, 7],
      [4, 2, 1],
    ])("gradients match finite differences (step 1e-2), B=%i nIn=%i nOut=%i", (B, nIn, nOut) => {
      const f = (x: Tensor, W: Tensor, b: Tensor) => dense(x, W, b, activation, SLOPE, F32);
      // relu's kink: keep |pre-activation| away from 0 so that x +- 1e-2 does not cross it
      const away = (v: number) => Math.sign(v) * (0.5 + Math.abs(v));
      const specs = [{ shape: [B, nIn], transform: away }, { shape: [nIn, nOut], transform: away }, { shape: [nOut], transform: away }];
      expect(gradCheck(f, specs, { eps: 1e-2, tol: 2e-3 })).toBeLessThan(2e-3);
    });
  });

  it("computes in f32: rounds non-representable inputs, is exact on small integers", () => {
    const l = layer(20, 30, 10);
    const lo = run(l, "identity", "f32");
    const hi = run(l, "identity", "f64");
    expect(relErr(lo.y, hi.y)).toBeGreaterThan(1e-9);
    const ints = { ...l, x: l.x.map(Math.round), W: l.W.map((v) => Math.round(4 * v)), b: l.b.map(Math.round) };
    expect(run(ints, "identity", "f32").y).toEqual(run(ints, "identity", "f64").y);
  });

  it("the finite-difference check fails on a gradient that is 1% off", () => {
    // forward = 1.01 * dense(...), recorded gradient = that of dense alone
    const f = (x: Tensor, W: Tensor, b: Tensor) => {
      const y = dense(x, W, b, "tanh", SLOPE, F32);
      return add(y, detach(scale(y, 0.01)));
    };
    expect(() => gradCheck(f, [{ shape: [3, 5] }, { shape: [5, 7] }, { shape: [7] }], { eps: 1e-2, tol: 2e-3 })).toThrow(/analytic/);
  });

  it.each(ACTIVATIONS)("%s: accumulates dx and dW into one input used as both, and a layer used twice", (activation) => {
    expect(gradCheck((a) => dense(a, a, null, activation, SLOPE, F32), [{ shape: [3, 3] }], { eps: 1e-2, tol: 2e-3 })).toBeLessThan(2e-3);
    const twice = (x: Tensor, W: Tensor, b: Tensor) => dense(dense(x, W, b, activation, SLOPE, F32), W, b, activation, SLOPE, F32);
    expect(gradCheck(twice, [{ shape: [4, 5] }, { shape: [5, 5] }, { shape: [5] }], { eps: 1e-2, tol: 2e-3 })).toBeLessThan(2e-3);
  });

  it("a layer used twice accumulates the same gradients as the f64 layer", () => {
    const l = layer(6, 5, 5, 4);
    const grads = (precision: Precision) => {
      const x = Tensor.from(l.x, [6, 5], "persistent");
      const W = Tensor.from(l.W, [5, 5], "persistent");
      const b = Tensor.from(l.b, [5], "persistent");
      x.requiresGrad = W.requiresGrad = b.requiresGrad = true;
      startRecording();
      const y = dense(dense(x, W, b, "tanh", SLOPE, { precision }), W, b, "sigmoid", SLOPE, { precision });
      stopRecording();
      backward(y, Tensor.from(l.gy.slice(0, 30), [6, 5]));
      const g = [x, W, b].map((t) => t.grad!.toArray());
      clearTape();
      return g;
    };
    const [lo, hi] = [grads("f32"), grads("f64")];
    lo.forEach((g, i) => expect(relErr(g, hi[i])).toBeLessThan(1e-4));
  });

  it("skips the gradients of constant inputs", () => {
    const f = (x: Tensor, W: Tensor, b: Tensor) => dense(x, W, b, "tanh", SLOPE, F32);
    const opts = { eps: 1e-2, tol: 2e-3 };
    expect(gradCheck(f, [{ shape: [3, 2], constant: true }, { shape: [2, 4] }, { shape: [4], constant: true }], opts)).toBeLessThan(2e-3);
    expect(gradCheck(f, [{ shape: [3, 2] }, { shape: [2, 4], constant: true }, { shape: [4] }], opts)).toBeLessThan(2e-3);
    const x = Tensor.from([[1, 2]], undefined, "persistent");
    const W = Tensor.from([[1], [-1]], undefined, "persistent");
    W.requiresGrad = true;
    startRecording();
    const y = dense(x, W, null, "identity", SLOPE, F32);
    stopRecording();
    backward(y);
    expect(x.grad).toBeNull();
    expect(W.grad!.toArray()).toEqual([1, 2]);
    clearTape();
  });

  it("keeps the f32 copies of x and W in the arena only when a backward is recorded", () => {
    const rt = runtime();
    rt.arena.reset();
    const x = Tensor.from(layer(4, 5, 6).x, [4, 5], "persistent");
    const W = Tensor.from(layer(4, 5, 6).W, [5, 6], "persistent");
    const used = () => rt.arena.used;
    const start = used();
    noGrad(() => dense(x, W, null, "tanh", SLOPE, F32));
    expect(used() - start).toBe(4 * 6 * 8); // y only
    W.requiresGrad = true;
    startRecording();
    const mid = used();
    dense(x, W, null, "tanh", SLOPE, F32);
    stopRecording();
    clearTape();
    const keepBytes = Math.ceil((4 * rt.k.dense32KeepSize(4, 5, 6)) / 16) * 16; // 16-byte aligned
    expect(used() - mid).toBe(4 * 6 * 8 + keepBytes); // y, then x32 and W32
    x.dispose();
    W.dispose();
  });

  it("is deterministic: the same inputs give the same numbers", () => {
    const l = layer(100, 50, 20, 7);
    expect(run(l, "tanh", "f32")).toEqual(run(l, "tanh", "f32"));
  });

  it("keeps softplus and sigmoid finite in the tails", () => {
    const x = Tensor.from([[120], [-120]]);
    const W = Tensor.from([[1]]);
    expect(dense(x, W, null, "softplus", SLOPE, F32).toArray()).toEqual([120, 0]);
    expect(dense(x, W, null, "sigmoid", SLOPE, F32).toArray()).toEqual([1, 0]);
  });

  it("rejects an unknown precision with the argument named", () => {
    const x = Tensor.zeros([2, 3]);
    const W = Tensor.zeros([3, 2]);
    expect(() => dense(x, W, null, "identity", SLOPE, { precision: "f16" as Precision })).toThrow(UnknownNameError);
    expect(() => dense(x, W, null, "identity", SLOPE, { precision: "bf16" as Precision })).toThrow(/^precision: expected one of "f64", "f32", received "bf16"$/);
  });

  it("default precision is the f64 path", () => {
    const l = layer(5, 7, 3);
    const x = Tensor.from(l.x, [5, 7]);
    const W = Tensor.from(l.W, [7, 3]);
    expect(dense(x, W, null, "tanh").toArray()).toEqual(dense(x, W, null, "tanh", 0.01, { precision: "f64" }).toArray());
  });
});
