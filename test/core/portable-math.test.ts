import { describe, expect, it } from "vitest";
import { portableCos, portableExp, portableLog, portablePow } from "../../src/core/portable-math.js";

/** Distance in units in the last place between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

const xs = Array.from({ length: 2001 }, (_, i) => -20 + i * 0.02 + 1e-3);

describe("portable cos / exp / log / pow (the kernels' libm)", () => {
  it("agree with closed forms", () => {
    expect(portableCos(0)).toBe(1);
    expect(portableCos(Math.PI)).toBe(-1);
    expect(portableExp(0)).toBe(1);
    expect(portableLog(1)).toBe(0);
    expect(portableLog(Math.E)).toBe(1);
    expect(portablePow(2, 10)).toBe(1024);
    expect(portablePow(0.5, -3)).toBe(8);
    expect(portablePow(9, 0.5)).toBe(3);
    expect(Number.isNaN(portableLog(-1))).toBe(true);
    expect(portableLog(0)).toBe(-Infinity);
  });

  it("are within 2 ulp of JS Math.* (each within 1 ulp of the exact value)", () => {
    for (const x of xs) {
      expect(Math.abs(ulps(portableCos(x), Math.cos(x))), `cos ${x}`).toBeLessThanOrEqual(2);
      expect(Math.abs(ulps(portableExp(x), Math.exp(x))), `exp ${x}`).toBeLessThanOrEqual(2);
      const y = Math.abs(x);
      expect(Math.abs(ulps(portableLog(y), Math.log(y))), `log ${y}`).toBeLessThanOrEqual(2);
      expect(Math.abs(ulps(portablePow(y, 1.37), y ** 1.37)), `pow ${y}`).toBeLessThanOrEqual(2);
    }
  });

  it("cos is exact where the closed form is a double: cos(pi/3) = 1/2 to 1 ulp, cos is even", () => {
    expect(Math.abs(ulps(portableCos(Math.PI / 3), 0.5))).toBeLessThanOrEqual(1);
    for (const x of xs) expect(portableCos(-x)).toBe(portableCos(x));
  });
});
