import { describe, expect, it } from "vitest";
import { DomainError } from "../../../src/core/errors.js";
import { boolean, categorical, count, interval, positive, real, simplex, unitInterval } from "../../../src/distributions/support.js";
import {
  affineBijector, expBijector, identityBijector, intervalBijector, softplusBijector, stickBreakingBijector, transformTo,
} from "../../../src/model/transforms/index.js";
import { rowsTensor } from "./cases.js";

describe("transformTo", () => {
  it("picks the default bijector per continuous support", () => {
    expect(transformTo(real)).toBe(identityBijector);
    expect(transformTo(positive)).toBe(expBijector);
    expect(transformTo(simplex)).toBe(stickBreakingBijector);
    const b = transformTo(interval(-1, 4));
    expect(b.name).toBe("sigmoid-affine(-1, 4)");
    expect(b.codomain).toEqual(interval(-1, 4));
    expect(transformTo(unitInterval).forward(rowsTensor([[0]])).item()).toBe(0.5);
  });

  it.each([categorical(3), boolean, count])("rejects the discrete support %o with a DomainError naming it", (s) => {
    expect(() => transformTo(s)).toThrow(DomainError);
    expect(() => transformTo(s)).toThrow(s.kind === "categorical" ? "categorical(3)" : s.kind);
  });
});

describe("elementwise bijectors: validation", () => {
  it("inverse names the first value outside the codomain", () => {
    expect(() => expBijector.inverse(rowsTensor([[1, 2], [3, -1]]))).toThrow("x: expected values in positive, received -1 at row 1, column 1");
    expect(() => softplusBijector.inverse(rowsTensor([[0]]))).toThrow(DomainError);
    expect(() => intervalBijector(0, 2).inverse(rowsTensor([[1, 2]]))).toThrow("received 2 at row 0, column 1");
    expect(() => intervalBijector(0, 2).inverse(rowsTensor([[-0.1]]))).toThrow(DomainError);
  });

  it("parameters are checked", () => {
    expect(() => intervalBijector(1, 1)).toThrow(DomainError);
    expect(() => intervalBijector(0, Infinity)).toThrow(DomainError);
    expect(() => affineBijector(0, 0)).toThrow("scale");
    expect(() => affineBijector(NaN, 1)).toThrow("loc");
    expect(() => identityBijector.unconstrainedSize(0)).toThrow(DomainError);
  });
});
