import { describe, it, expect } from "vitest";
import { Adam, AdamW, DomainError, ParamStore, Rng, inits } from "../../src/index.js";
import { fakeGrad, makeStore, maxRelErr } from "./fixtures.js";

interface Hyper {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  wd: number;
  decoupled: boolean;
}

/** Textbook Adam / AdamW in plain TS (Kingma & Ba Alg. 1; Loshchilov & Hutter Alg. 2). */
function referenceAdam(p: number[], grads: number[][], h: Hyper): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + (h.decoupled ? 0 : h.wd * p[i]);
      m[i] = h.b1 * m[i] + (1 - h.b1) * gi;
      v[i] = h.b2 * v[i] + (1 - h.b2) * gi * gi;
      const mHat = m[i] / (1 - h.b1 ** t);
      const vHat = v[i] / (1 - h.b2 ** t);
      if (h.decoupled) p[i] -= h.lr * h.wd * p[i];
      p[i] -= (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
    }
  });
  return p;
}

function run(kind: typeof Adam | typeof AdamW, h: Hyper, size: number, steps: number): { got: number[]; want: number[] } {
  const store = makeStore(size);
  const start = store.values.toArray().slice(0, size);
  const grads = Array.from({ length: steps }, (_, t) => fakeGrad(size, t));
  const opt = new kind(store, { lr: h.lr, betas: [h.b1, h.b2], eps: h.eps, weightDecay: h.wd });
  for (const g of grads) {
    store.grads.set(g);
    opt.step();
  }
  const got = store.values.toArray();
  store.dispose();
  opt.dispose();
  return { got, want: referenceAdam(start, grads, h) };
}

describe("Adam / AdamW kernel", () => {
  const base = { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8 };
  it.each([7, 8, 13, 64])("Adam matches the plain-TS reference over 10 steps (n = %i)", (n) => {
    const { got, want } = run(Adam, { ...base, wd: 0, decoupled: false }, n, 10);
    expect(maxRelErr(got, want)).toBeLessThan(1e-12);
  });
  it.each([7, 13])("Adam with L2 weight decay matches the reference (n = %i)", (n) => {
    const { got, want } = run(Adam, { ...base, wd: 0.1, decoupled: false }, n, 10);
    expect(maxRelErr(got, want)).toBeLessThan(1e-12);
  });
  it.each([7, 13])("AdamW with decoupled decay matches the reference (n = %i)", (n) => {
    const { got, want } = run(AdamW, { ...base, wd: 0.1, decoupled: true }, n, 10);
    expect(maxRelErr(got, want)).toBeLessThan(1e-12);
  });
  it("unusual betas and eps also match", () => {
    const { got, want } = run(Adam, { lr: 0.3, b1: 0, b2: 0.5, eps: 0.1, wd: 0, decoupled: false }, 9, 6);
    expect(maxRelErr(got, want)).toBeLessThan(1e-12);
  });

  it("zeroes the gradient buffer in the same call", () => {
    const store = makeStore(9);
    const opt = new Adam(store);
    store.grads.set(fakeGrad(9, 0));
    opt.step();
    expect(store.grads.toArray()).toEqual(new Array(9).fill(0));
  });

  it("L2 (Adam) and decoupled (AdamW) weight decay give different parameters", () => {
    const h = { ...base, wd: 0.5 };
    const l2 = run(Adam, { ...h, decoupled: false }, 7, 5).got;
    const decoupled = run(AdamW, { ...h, decoupled: true }, 7, 5).got;
    expect(maxRelErr(l2, decoupled)).toBeGreaterThan(1e-3);
    // with zero gradient, AdamW still shrinks parameters by (1 - lr wd) per step, Adam+L2 moves by ~lr
    const store = makeStore(7);
    const p0 = store.values.toArray().slice(0, 7);
    const opt = new AdamW(store, { lr: 0.1, weightDecay: 0.5 });
    opt.step();
    const p1 = store.values.toArray();
    // AdamW: p (1 - 0.05) - 0.1 * sign-ish(0) = 0.95 p exactly (m = v = 0)
    p0.forEach((p, i) => expect(p1[i]).toBeCloseTo(0.95 * p, 14));
  });

  it("first Adam step moves every parameter by about lr against the gradient sign", () => {
    const store = makeStore(13);
    const p0 = store.values.toArray();
    const g = fakeGrad(13, 3);
    store.grads.set(g);
    new Adam(store, { lr: 0.01 }).step();
    store.values.toArray().forEach((p, i) => expect(p - p0[i]).toBeCloseTo(-0.01 * Math.sign(g[i]), 6));
  });

  it("converges on a quadratic f(p) = sum c_i (p_i - t_i)^2", () => {
    const n = 11;
    const store = ParamStore.build([{ name: "p", shape: [n], init: inits.zeros }], new Rng(0));
    const target = Array.from({ length: n }, (_, i) => i - 5);
    const c = Array.from({ length: n }, (_, i) => 0.5 + i);
    const opt = new Adam(store, { lr: 0.1 });
    for (let s = 0; s < 2000; s++) {
      const p = store.values.toArray();
      store.grads.set(p.map((pi, i) => 2 * c[i] * (pi - target[i])));
      opt.step();
    }
    expect(maxRelErr(store.values.toArray(), target)).toBeLessThan(1e-3);
  });

  it("rejects bad hyperparameters naming the argument", () => {
    const store = makeStore(7);
    expect(() => new Adam(store, { lr: 0 })).toThrow(DomainError);
    expect(() => new Adam(store, { lr: -1 })).toThrow(/lr/);
    expect(() => new Adam(store, { lr: NaN })).toThrow(/lr/);
    expect(() => new Adam(store, { betas: [1, 0.999] })).toThrow(/betas\[0\]/);
    expect(() => new Adam(store, { betas: [0.9, -0.1] })).toThrow(/betas\[1\]/);
    expect(() => new Adam(store, { eps: 0 })).toThrow(/eps/);
    expect(() => new AdamW(store, { weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => new Adam([])).toThrow(/stores/);
  });
});
