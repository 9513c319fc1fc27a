// Inputs of the calibration diagnostics: draws as plain rows (number[][] or
// Float64Array[]), checked once at the boundary and flattened row-major, and
// the seed-or-generator convention of the library.
import { DomainError, NonFiniteError, ShapeError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";

/** Draws as rows: rows[i][k] is coordinate k of draw i (number[][] or Float64Array[]). */
export type Rows = readonly ArrayLike<number>[];

/** The posterior draws of every simulation: an array (one Rows per simulation) or a function of the simulation index. */
export type SampleSets = readonly Rows[] | ((i: number) => Rows);

/** Draws flattened row-major: data[i * cols + k]. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Rows -> Matrix; ShapeError naming `argument` unless there are >= minRows rows
 * of equal length (`cols` if given), NonFiniteError at the first NaN / Inf.
 */
export function toMatrix(argument: string, rows: Rows, options: { cols?: number; minRows?: number } = {}): Matrix {
  const minRows = options.minRows ?? 1;
  if (!Array.isArray(rows)) throw new ShapeError(argument, "an array of rows (number[][] or Float64Array[])", describe(rows));
  if (rows.length < minRows) throw new ShapeError(argument, `at least ${minRows} rows`, `${rows.length} rows`);
  const first = rows[0] as ArrayLike<number> | undefined;
  if (!first || typeof first.length !== "number") throw new ShapeError(argument, "rows that are arrays of numbers", describe(first));
  const cols = options.cols ?? first.length;
  if (cols < 1) throw new ShapeError(argument, "rows of at least one number", "rows of length 0");
  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!r || r.length !== cols) throw new ShapeError(argument, `rows of length ${cols}`, `row ${i} of length ${r?.length}`);
    for (let k = 0; k < cols; k++) {
      const v = r[k];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new NonFiniteError(argument, "finite numbers", `${typeof v === "number" ? v : typeof v} at row ${i}, column ${k}`);
      }
      data[i * cols + k] = v;
    }
  }
  return { data, rows: rows.length, cols };
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v;
}

/** Number of simulations a SampleSets covers (a function covers whatever the caller says). */
function sampleSetCount(samples: SampleSets): number | null {
  return typeof samples === "function" ? null : samples.length;
}

/**
 * The posterior draws of simulation i as a Matrix of `cols` columns; all
 * simulations must have the same number of draws L (checked against `draws`
 * once it is known). ShapeError naming `samples[i]` otherwise.
 */
export function sampleSet(samples: SampleSets, i: number, cols: number, draws?: number): Matrix {
  const rows = typeof samples === "function" ? samples(i) : samples[i];
  const m = toMatrix(`samples[${i}]`, rows, { cols });
  if (draws !== undefined && m.rows !== draws) throw new ShapeError(`samples[${i}]`, `${draws} draws (as samples[0])`, `${m.rows} draws`);
  return m;
}

/** ShapeError unless an array of sample sets has one set per simulation. */
export function checkSampleSets(samples: SampleSets, simulations: number): void {
  if (typeof samples !== "function" && !Array.isArray(samples)) {
    throw new ShapeError("samples", "an array of sample sets (one per simulation) or a function (i) => rows", describe(samples));
  }
  const n = sampleSetCount(samples);
  if (n !== null && n !== simulations) throw new ShapeError("samples", `${simulations} sample sets (one per row of theta)`, `${n} sets`);
}

/** A generator from a seed or a generator (the library's convention for every random thing). */
export function rngOf(argument: string, rng: Rng | number | undefined, fallbackSeed: number): Rng {
  if (rng instanceof Rng) return rng;
  const seed = rng ?? fallbackSeed;
  if (!Number.isInteger(seed) || seed < 0) throw new DomainError(argument, "an Rng or an integer seed >= 0", String(rng));
  return new Rng(seed);
}

/** n uniforms in [0, 1) from rng, as plain numbers (one Wasm call). */
export function uniforms(rng: Rng, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  const arena = rng.rt.arena;
  const mark = arena.mark();
  const u = rng.uniform([n]).toFloat64Array();
  arena.restore(mark);
  return u;
}

/** Throws DomainError unless 0 < p < 1. */
export function assertProbability(argument: string, p: number): void {
  if (!(p > 0 && p < 1)) throw new DomainError(argument, "a probability in (0, 1)", String(p));
}
