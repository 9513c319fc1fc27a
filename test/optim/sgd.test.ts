import { describe, it, expect } from "vitest";
import { DomainError, SGD } from "../../src/index.js";
import { fakeGrad, makeStore, maxRelErr } from "./fixtures.js";

interface Hyper {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  wd: number;
}

/** torch.optim.SGD's update in plain TS, with the velocity buffer starting at 0. */
function referenceSgd(p: number[], grads: number[][], h: Hyper): number[] {
  const u = p.map(() => 0);
  for (const g of grads) {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + h.wd * p[i];
      let d = gi;
      if (h.momentum !== 0) {
        u[i] = h.momentum * u[i] + (1 - h.dampening) * gi;
        d = h.nesterov ? gi + h.momentum * u[i] : u[i];
      }
      p[i] -= h.lr * d;
    }
  }
  return p;
}

const cases: [string, Hyper][] = [
  ["plain", { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, wd: 0 }],
  ["momentum", { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: false, wd: 0 }],
  ["momentum + dampening + decay", { lr: 0.05, momentum: 0.8, dampening: 0.3, nesterov: false, wd: 0.01 }],
  ["nesterov + decay", { lr: 0.02, momentum: 0.9, dampening: 0, nesterov: true, wd: 0.1 }],
];

describe("SGD kernel", () => {
  it.each(cases)("%s matches the plain-TS reference over 8 steps (odd and even sizes)", (_, h) => {
    for (const n of [7, 8, 15]) {
      const store = makeStore(n, n);
      const start = store.values.toArray();
      const grads = Array.from({ length: 8 }, (_, t) => fakeGrad(n, t));
      const opt = new SGD(store, { lr: h.lr, momentum: h.momentum, dampening: h.dampening, nesterov: h.nesterov, weightDecay: h.wd });
      for (const g of grads) {
        store.grads.set(g);
        opt.step();
      }
      expect(maxRelErr(store.values.toArray(), referenceSgd(start, grads, h))).toBeLessThan(1e-12);
      expect(store.grads.toArray()).toEqual(new Array(n).fill(0));
    }
  });

  it("plain SGD step is p - lr g exactly", () => {
    const store = makeStore(7);
    const p0 = store.values.toArray();
    const g = fakeGrad(7, 1);
    store.grads.set(g);
    new SGD(store, { lr: 0.5 }).step();
    expect(store.values.toArray()).toEqual(p0.map((p, i) => p - 0.5 * g[i]));
  });

  it("rejects bad hyperparameters naming the argument", () => {
    const store = makeStore(7);
    expect(() => new SGD(store, { lr: 0 })).toThrow(DomainError);
    expect(() => new SGD(store, { momentum: 1 })).toThrow(/momentum/);
    expect(() => new SGD(store, { momentum: 0.5, dampening: 2 })).toThrow(/dampening/);
    expect(() => new SGD(store, { nesterov: true })).toThrow(/nesterov/);
    expect(() => new SGD(store, { momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/nesterov/);
    expect(() => new SGD(store, { weightDecay: NaN })).toThrow(/weightDecay/);
  });
});
