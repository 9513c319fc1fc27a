// The `precision` option of Linear and MLP: "f32" layers run dense with f32
// products and activations (test/autodiff/dense32.test.ts checks the op).
import { describe, it, expect } from "vitest";
import {
  Adam,
  Linear,
  MLP,
  Rng,
  Tensor,
  UnknownNameError,
  mean,
  noGrad,
  square,
  sub,
  valueAndGrad,
  type Precision,
} from "../../src/index.js";

/** Final mean-squared error of an MLP [1, 16, 16, 1] fit to y = sin(2x) on 64 points, Adam lr 1e-2, `steps` steps. */
function fitSine(precision: Precision, steps = 400): { first: number; last: number } {
  const rng = new Rng(5);
  const xs = Array.from({ length: 64 }, (_, i) => -1.5 + (3 * i) / 63);
  const x = Tensor.from(xs, [64, 1], "persistent");
  const y = Tensor.from(xs.map((v) => Math.sin(2 * v)), [64, 1], "persistent");
  const net = new MLP([1, 16, 16, 1], { precision, rng: rng.fork(1) });
  const opt = new Adam(net, { lr: 1e-2 });
  const loss = () => mean(square(sub(net.forward(x), y)));
  const first = valueAndGrad(loss);
  opt.step();
  let last = first;
  for (let i = 1; i < steps; i++) {
    last = valueAndGrad(loss);
    opt.step();
  }
  return { first, last };
}

describe("precision option", () => {
  it("an f32 MLP trains a small regression as well as the f64 one", () => {
    // same trajectory early on (100 steps: loss 0.66 -> 0.02) ...
    const [lo100, hi100] = [fitSine("f32", 100), fitSine("f64", 100)];
    expect(Math.abs(lo100.first - hi100.first) / hi100.first).toBeLessThan(1e-5);
    expect(Math.abs(lo100.last - hi100.last) / hi100.last).toBeLessThan(0.01);
    expect(lo100.last).not.toBe(hi100.last); // the f32 path was taken
    // ... and as low a loss at the end, where rounding has moved the trajectories apart
    const [lo, hi] = [fitSine("f32"), fitSine("f64")];
    expect(hi.last).toBeLessThan(hi.first / 1000);
    expect(lo.last).toBeLessThan(1.25 * hi.last);
  });

  it("the same seed gives the same numbers", () => {
    expect(fitSine("f32", 30)).toEqual(fitSine("f32", 30));
  });

  it("MLP and Linear pass their precision to dense; f64 stays the default", () => {
    const x = new Rng(3).normal([5, 3], "persistent");
    const lo = new MLP([3, 7, 2], { precision: "f32", rng: 1 });
    const hi = new MLP([3, 7, 2], { rng: 1 });
    expect([lo.precision, hi.precision, lo.layers[1].precision, hi.layers[0].precision]).toEqual(["f32", "f64", "f32", "f64"]);
    const a = noGrad(() => lo.forward(x)).toArray();
    const b = noGrad(() => hi.forward(x)).toArray();
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(b[i]))));
    expect(a).not.toEqual(b);
    const lin = new Linear(3, 4, { precision: "f32", rng: 2 });
    const lin64 = new Linear(3, 4, { rng: 2 });
    const c = noGrad(() => lin.forward(x, "tanh")).toArray();
    const d = noGrad(() => lin64.forward(x, "tanh")).toArray();
    c.forEach((v, i) => expect(Math.abs(v - d[i])).toBeLessThan(1e-6));
    expect(c).not.toEqual(d);
  });

  it("rejects an unknown precision with the argument named", () => {
    expect(() => new MLP([3, 2], { precision: "f16" as Precision })).toThrow(UnknownNameError);
    expect(() => new MLP([3, 2], { precision: "F32" as Precision })).toThrow(/^precision: expected one of "f64", "f32", received "F32"$/);
    expect(() => new Linear(3, 2, { precision: "double" as Precision })).toThrow(/^precision:/);
  });
});
