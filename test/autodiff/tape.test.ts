import { describe, it, expect } from "vitest";
import { Tensor, ShapeError, add, mul, sum, square, exp, noGrad, valueAndGrad, backward } from "../../src/index.js";
import { startRecording, stopRecording, clearTape, isRecording } from "../../src/low-level.js";

function param(values: number[]): Tensor {
  const t = Tensor.from(values, [values.length], "persistent");
  t.requiresGrad = true;
  return t;
}

describe("tape", () => {
  it("a tensor used twice accumulates both gradients", () => {
    const x = param([1, 2, 3]);
    // L = sum(x + x) + sum(x * x): dL/dx = 2 + 2x
    const loss = valueAndGrad(() => add(sum(add(x, x)), sum(mul(x, x))));
    expect(loss).toBe(12 + 14);
    expect(x.grad!.toArray()).toEqual([4, 6, 8]);
    x.dispose();
  });

  it("an intermediate used by two consumers accumulates: L = sum(e + e * e), e = exp(x)", () => {
    const x = param([0, 0.5]);
    valueAndGrad(() => {
      const e = exp(x);
      return sum(add(e, mul(e, e)));
    });
    const g = x.grad!.toArray();
    [0, 0.5].forEach((v, i) => expect(g[i]).toBeCloseTo(Math.exp(v) + 2 * Math.exp(2 * v), 12));
    x.dispose();
  });

  it("valueAndGrad starts each pass with fresh arena gradients", () => {
    const x = param([1, -1]);
    valueAndGrad(() => sum(square(x)));
    valueAndGrad(() => sum(square(x)));
    expect(x.grad!.toArray()).toEqual([2, -2]);
    x.dispose();
  });

  it("noGrad records nothing", () => {
    const x = param([1, 2]);
    startRecording();
    const y = noGrad(() => sum(square(x)));
    expect(isRecording()).toBe(true);
    stopRecording();
    expect(y.requiresGrad).toBe(false);
    backward(y);
    expect(x.grad).toBeNull();
    clearTape();
    x.dispose();
  });

  it("ops outside recording do not need gradients", () => {
    const x = param([1, 2]);
    const y = square(x);
    expect(y.requiresGrad).toBe(false);
    x.dispose();
  });

  it("backward on a non-scalar without seed throws ShapeError", () => {
    const x = param([1, 2]);
    startRecording();
    const y = square(x);
    stopRecording();
    expect(() => backward(y)).toThrow(ShapeError);
    expect(() => backward(y)).toThrow("out: expected a scalar loss (or pass a seed gradient), received shape [2]");
    expect(() => backward(y, Tensor.from([1, 2, 3]))).toThrow(ShapeError);
    clearTape();
    x.dispose();
  });

  it("backward with a seed of the output's shape gives the vector-Jacobian product", () => {
    const x = param([1, 2]);
    startRecording();
    const y = square(x);
    stopRecording();
    backward(y, Tensor.from([10, 100]));
    expect(x.grad!.toArray()).toEqual([20, 400]);
    clearTape();
    x.dispose();
  });
});
