import { DomainError } from "../core/errors.js";

/**
 * The set of values a distribution (and a model site) takes. Transforms
 * (src/model/transforms) map the unconstrained reals onto each continuous
 * support, so that a guide can live in unconstrained space (ADVI).
 */
export type Support =
  | { readonly kind: "real" }
  | { readonly kind: "positive" }
  | { readonly kind: "interval"; readonly low: number; readonly high: number }
  /** Rows on the probability simplex: entries > 0 summing to 1 along the last axis. */
  | { readonly kind: "simplex" }
  /** Integers 0..K-1 (one index per row). */
  | { readonly kind: "categorical"; readonly K: number }
  /** {0, 1}. */
  | { readonly kind: "boolean" }
  /** 0, 1, 2, ... */
  | { readonly kind: "count" };

export const real: Support = Object.freeze({ kind: "real" });
export const positive: Support = Object.freeze({ kind: "positive" });
export const simplex: Support = Object.freeze({ kind: "simplex" });
export const boolean: Support = Object.freeze({ kind: "boolean" });
export const count: Support = Object.freeze({ kind: "count" });
export const unitInterval: Support = Object.freeze({ kind: "interval", low: 0, high: 1 });

/** The open interval (low, high); low < high, both finite. */
export function interval(low: number, high: number): Support {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new DomainError("interval", "finite bounds low < high", `(${low}, ${high})`);
  }
  return Object.freeze({ kind: "interval", low, high });
}

/** Integers 0..K-1. */
export function categorical(K: number): Support {
  if (!Number.isSafeInteger(K) || K < 2) throw new DomainError("K", "an integer >= 2", String(K));
  return Object.freeze({ kind: "categorical", K });
}

/** True for supports of integer values (scored, not reparameterized). */
export function isDiscrete(s: Support): boolean {
  return s.kind === "categorical" || s.kind === "boolean" || s.kind === "count";
}

/** "real", "positive", "interval(0, 1)", "categorical(3)", ... */
export function describeSupport(s: Support): string {
  if (s.kind === "interval") return `interval(${s.low}, ${s.high})`;
  if (s.kind === "categorical") return `categorical(${s.K})`;
  return s.kind;
}

/**
 * Index of the first value outside the support, or -1. `cols` is the row
 * length (the simplex is checked per row, to 1e-9). Plain JS: for validating
 * data and given values at the boundary, not for hot loops.
 */
export function firstOutsideSupport(s: Support, values: ArrayLike<number>, cols = 1): number {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let ok: boolean;
    switch (s.kind) {
      case "real":
        ok = Number.isFinite(v);
        break;
      case "positive":
        ok = v > 0 && Number.isFinite(v);
        break;
      case "interval":
        ok = v > s.low && v < s.high;
        break;
      case "simplex":
        ok = v >= 0 && v <= 1;
        break;
      case "categorical":
        ok = Number.isInteger(v) && v >= 0 && v < s.K;
        break;
      case "boolean":
        ok = v === 0 || v === 1;
        break;
      case "count":
        ok = Number.isInteger(v) && v >= 0;
        break;
    }
    if (!ok) return i;
  }
  if (s.kind === "simplex") {
    for (let r = 0; r * cols < n; r++) {
      let t = 0;
      for (let j = 0; j < cols; j++) t += values[r * cols + j];
      if (Math.abs(t - 1) > 1e-9) return r * cols;
    }
  }
  return -1;
}
