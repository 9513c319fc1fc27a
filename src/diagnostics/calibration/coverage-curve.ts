// The shared end of the coverage diagnostics (central / HPD regions, TARP):
// each simulation i yields a credibility level u_i, the smallest level whose
// region contains the true theta_i. Under calibration u_i ~ U(0, 1), so the
// expected coverage at nominal level a, C(a) = #{u_i <= a} / N, is the ECDF of
// the u_i and the simultaneous band of Säilynoja et al. (2022) bounds it.
import { DomainError, ShapeError } from "../../core/errors.js";
import { firstOutsideBand, type EcdfBand } from "./ecdf-band.js";

/** Nominal levels 0.05, 0.10, ..., 0.95 (the default of the coverage plots). */
export const DEFAULT_LEVELS: readonly number[] = Array.from({ length: 19 }, (_, j) => (j + 1) / 20);

/** Empirical against nominal coverage of one family of regions. */
export interface CoverageCurve {
  name: string;
  /** u_i of every simulation (uniform under calibration). */
  credibility: Float64Array;
  levels: Float64Array;
  /** C(a) = #{u_i <= a} / N at each nominal level a. */
  coverage: Float64Array;
  /** Simultaneous band of C(a) under calibration (fractions). */
  lower: Float64Array;
  upper: Float64Array;
  /** max_a |C(a) - a|. */
  maxDeviation: number;
  inside: boolean;
  /** C(a) below the band at some level (fewer truths covered than nominal). */
  below: boolean;
  /** C(a) above the band at some level. */
  above: boolean;
}

/**
 * u = (below + V (ties + 1)) / (L + 1), V ~ U(0, 1): the randomized fractional
 * rank of a true value with `below` of L draws strictly closer to the region's
 * centre and `ties` equal, exactly U(0, 1) when the value and the draws are exchangeable.
 */
export function randomizedFraction(below: number, ties: number, L: number, v: number): number {
  return (below + v * (ties + 1)) / (L + 1);
}

/** Checked nominal levels, increasing, in (0, 1). */
export function checkLevels(levels: ArrayLike<number> = DEFAULT_LEVELS): Float64Array {
  const out = Float64Array.from(levels);
  if (out.length === 0) throw new ShapeError("levels", "at least one nominal level", "none");
  out.forEach((a, j) => {
    if (!(a > 0 && a < 1)) throw new DomainError("levels", "levels in (0, 1)", `${a} at index ${j}`);
    if (j > 0 && !(a > out[j - 1])) throw new DomainError("levels", "increasing levels", `${out[j - 1]} then ${a}`);
  });
  return out;
}

/** C(a) against a with its band and verdict, from the credibility levels u_i of N simulations. */
export function coverageCurve(name: string, credibility: Float64Array, band: EcdfBand): CoverageCurve {
  const N = credibility.length;
  const levels = band.z;
  const sorted = Float64Array.from(credibility).sort();
  const counts = new Int32Array(levels.length);
  let m = 0;
  levels.forEach((a, j) => {
    while (m < N && sorted[m] <= a) m++;
    counts[j] = m;
  });
  const coverage = Float64Array.from(counts, (c) => c / N);
  let below = false;
  let above = false;
  counts.forEach((c, j) => {
    below ||= c < band.lower[j];
    above ||= c > band.upper[j];
  });
  return {
    name,
    credibility,
    levels,
    coverage,
    lower: Float64Array.from(band.lower, (l) => l / N),
    upper: Float64Array.from(band.upper, (u) => u / N),
    maxDeviation: coverage.reduce((s, c, j) => Math.max(s, Math.abs(c - levels[j])), 0),
    inside: firstOutsideBand(counts, band) < 0,
    below,
    above,
  };
}
