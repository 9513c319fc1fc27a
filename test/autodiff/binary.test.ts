import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { runtime } from "../../src/core/runtime.js";
import { Tensor, ShapeError, add, sub, mul, div, sum, backward } from "../../src/index.js";
import { startRecording, stopRecording, clearTape } from "../../src/low-level.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

/** Plain-TS numpy-style (right-aligned) broadcasting, the reference for the allowed cases. */
function broadcastRef(op: (x: number, y: number) => number, a: number[], sa: number[], b: number[], sb: number[]) {
  const shape = sa.length >= sb.length && a.length >= b.length ? sa : sb;
  const n = shape.reduce((p, d) => p * d, 1);
  const index = (flat: number, s: number[]) => {
    let idx = 0;
    let stride = 1;
    let rem = flat;
    const dims: number[] = [];
    for (let k = shape.length - 1; k >= 0; k--) {
      dims.unshift(rem % shape[k]);
      rem = Math.floor(rem / shape[k]);
    }
    for (let k = s.length - 1; k >= 0; k--) {
      const d = dims[shape.length - s.length + k];
      idx += (s[k] === 1 ? 0 : d) * stride;
      stride *= s[k];
    }
    return idx;
  };
  return Array.from({ length: n }, (_, i) => op(a[index(i, sa)], b[index(i, sb)]));
}

const OPS = [
  { name: "add", f: add, ref: (x: number, y: number) => x + y },
  { name: "sub", f: sub, ref: (x: number, y: number) => x - y },
  { name: "mul", f: mul, ref: (x: number, y: number) => x * y },
  { name: "div", f: div, ref: (x: number, y: number) => x / y },
];

const PAIRS: [number[], number[]][] = [
  [[3, 5], [3, 5]],
  [[3, 5], [1]],
  [[1], [3, 5]],
  [[3, 5], [5]],
  [[5], [3, 5]],
  [[3, 5], [1, 5]],
  [[3, 5], [3, 1]],
  [[3, 1], [3, 7]],
  [[2, 3, 4], [3, 4]],
  [[2, 3, 4], [2, 1, 1]],
  [[1, 1], [1]],
  [[7], [7]],
];

const seq = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.sin(s * (i + 1)) + (s > 1 ? 2 : 0));
const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
const awayFromZero = (v: number) => Math.abs(v) + 0.5;

describe.each(OPS)("$name", ({ name, f, ref }) => {
  it.each(PAIRS)("matches the plain-TS reference for %j (op) %j", (sa, sb) => {
    const a = seq(size(sa), 0.7);
    const b = seq(size(sb), 1.3);
    const out = f(Tensor.from(a, sa), Tensor.from(b, sb));
    const want = broadcastRef(ref, a, sa, b, sb);
    expect(out.size).toBe(want.length);
    out.toArray().forEach((v, i) => expect(v).toBeCloseTo(want[i], 13));
  });
  it.each(PAIRS)("gradient matches finite differences for %j (op) %j", (sa, sb) => {
    const bSpec = name === "div" ? { shape: sb, transform: awayFromZero } : { shape: sb };
    expect(gradCheck(f, [{ shape: sa }, bSpec])).toBeLessThan(1e-6);
  });
  it.each(PAIRS)("backward accumulates for %j (op) %j (output used twice)", (sa, sb) => {
    const bSpec = name === "div" ? { shape: sb, transform: awayFromZero } : { shape: sb };
    expect(gradCheck((a, b) => add(f(a, b), f(a, b)), [{ shape: sa }, bSpec])).toBeLessThan(1e-6);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for equal shapes [%i, %i]", (r, c) => {
    const bSpec = name === "div" ? { shape: [r, c], transform: awayFromZero } : { shape: [r, c] };
    expect(gradCheck(f, [{ shape: [r, c] }, bSpec])).toBeLessThan(1e-6);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for [%i, %i] against a [rows, 1] column", (r, c) => {
    const bSpec = name === "div" ? { shape: [r, 1], transform: awayFromZero } : { shape: [r, 1] };
    expect(gradCheck(f, [{ shape: [r, c] }, bSpec])).toBeLessThan(1e-6);
  });
});

describe("broadcast shapes", () => {
  it("the output takes the larger shape", () => {
    expect(add(Tensor.from([1, 2, 3]), Tensor.from([1, 2, 3, 4, 5, 6], [2, 3])).shape).toEqual([2, 3]);
    expect(mul(Tensor.from([1, 2], [2, 1]), Tensor.from([1, 2, 3, 4, 5, 6], [2, 3])).shape).toEqual([2, 3]);
  });
  it.each([
    [[3, 5], [3]],
    [[2, 3], [3, 2]],
    [[3], [3, 1]],
    [[2, 3, 4], [2, 1]],
    [[4, 5], [2, 5]],
  ])("rejects %j with %j, naming both shapes", (sa, sb) => {
    const a = Tensor.zeros(sa);
    const b = Tensor.zeros(sb);
    const msg = `a [${sa.join(", ")}] and b [${sb.join(", ")}]`;
    expect(() => add(a, b)).toThrow(ShapeError);
    expect(() => div(a, b)).toThrow(msg);
    expect(() => sub(b, a)).toThrow(`a [${sb.join(", ")}] and b [${sa.join(", ")}]`);
  });
  it("a tensor used on both sides gets both gradients: d(x * x)/dx = 2x", () => {
    const x = Tensor.from([1, -2, 3], [3], "persistent");
    x.requiresGrad = true;
    startRecording();
    const y = sum(mul(x, x));
    stopRecording();
    backward(y);
    expect(x.grad!.toArray()).toEqual([2, -4, 6]);
    clearTape();
    x.dispose();
  });
  it("only the operand that needs a gradient receives one", () => {
    const a = Tensor.from([1, 2, 3, 4], [2, 2], "persistent");
    const b = Tensor.from([10, 20], [2], "persistent");
    b.requiresGrad = true;
    startRecording();
    const y = sum(mul(a, b));
    stopRecording();
    backward(y);
    expect(a.grad).toBeNull();
    expect(b.grad!.toArray()).toEqual([4, 6]);
    clearTape();
    a.dispose();
    b.dispose();
  });
});

describe("broadcasting property", () => {
  const rt = runtime();
  const pairOf = (kind: number, B: number, C: number): [number[], number[]] =>
    [
      [[B, C], [B, C]],
      [[B, C], [1]],
      [[1], [B, C]],
      [[B, C], [C]],
      [[C], [B, C]],
      [[B, C], [B, 1]],
      [[B, 1], [B, C]],
    ][kind] as [number[], number[]];
  it("every allowed pair matches the reference for any sizes and op", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        (kind, B, C, o) => {
          const [sa, sb] = pairOf(kind, B, C);
          const a = seq(size(sa), 0.9);
          const b = seq(size(sb), 1.1).map(awayFromZero);
          const m = rt.arena.mark();
          const got = OPS[o].f(Tensor.from(a, sa), Tensor.from(b, sb)).toArray();
          rt.arena.restore(m);
          const want = broadcastRef(OPS[o].ref, a, sa, b, sb);
          expect(got.length).toBe(want.length);
          got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-12 * (1 + Math.abs(want[i]))));
        },
      ),
    );
  });
});
