// Drawing a simulation budget from a task's prior and simulator with the
// failures a user's simulator has in practice (issue 14 item 6; sbi #1569,
// where a simulator returning NaN made training wait forever): a NaN or
// wrongly shaped simulation is dropped and counted, or a typed error; the
// helper calls the simulator once and never retries, so it cannot hang.
import { DomainError, NonFiniteError, ShapeError, UnknownNameError, assertKnownOptions } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { describeSupport, firstOutsideSupport, type Support } from "../../distributions/support.js";
import { SupportError } from "../../model/site-errors.js";
import { matrix, type Matrix } from "./task.js";

/** What simulateValid needs of a task: a prior and a simulator (a user's may return rows of any length). */
export interface SimulatorTask {
  readonly name?: string;
  readonly dimTheta: number;
  readonly dimX: number;
  readonly prior: { sample(n: number, rng: Rng): Matrix; readonly support?: Support };
  simulate(theta: Matrix, rng: Rng): Matrix | readonly ArrayLike<number>[];
}

export interface SimulateValidOptions {
  /** "drop" (default): leave out and count invalid simulations; "error": throw on the first one. */
  onInvalid?: "drop" | "error";
}

export interface ValidSimulations {
  /** The parameters of the valid simulations [valid, dimTheta]. */
  theta: Matrix;
  /** Their simulations [valid, dimX]. */
  x: Matrix;
  /** The budget n (simulator calls), valid or not. */
  requested: number;
  valid: number;
  /** Dropped simulations by cause (all zero with onInvalid "error"). */
  dropped: { nonFinite: number; wrongShape: number };
}

const ON_INVALID = ["drop", "error"] as const;

/**
 * n draws theta ~ prior, x ~ simulator(theta), checked: n must be an integer
 * >= 1 (DomainError naming n); a prior draw outside the prior's support is a
 * SupportError naming the row and column; a simulation with a NaN / Inf
 * entry (NonFiniteError) or not dimX values (ShapeError), or a batch of the
 * wrong number of rows, is dropped and counted (onInvalid "drop") or thrown
 * ("error"). With nothing valid left the result would be unusable: DomainError
 * with the counts.
 */
export function simulateValid(task: SimulatorTask, n: number, rng: Rng, options: SimulateValidOptions = {}): ValidSimulations {
  assertKnownOptions("options", options, ["onInvalid"]);
  const onInvalid = options.onInvalid ?? "drop";
  if (!ON_INVALID.includes(onInvalid)) throw new UnknownNameError("options.onInvalid", `one of ${ON_INVALID.join(", ")}`, JSON.stringify(onInvalid));
  if (!Number.isInteger(n) || n < 1) throw new DomainError("n", "a simulation budget: an integer >= 1", String(n));
  if (!(rng instanceof Rng)) throw new DomainError("rng", "an Rng", String(rng));
  const label = task.name ?? "task";
  const { dimTheta, dimX } = task;

  const theta = task.prior.sample(n, rng);
  if (!theta || theta.rows !== n || theta.cols !== dimTheta || theta.data?.length !== n * dimTheta) {
    throw new ShapeError(`${label}.prior.sample(${n})`, `a matrix [${n}, ${dimTheta}]`, theta ? `[${theta.rows}, ${theta.cols}]` : String(theta));
  }
  const support = task.prior.support;
  const bad = support ? firstOutsideSupport(support, theta.data) : theta.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const where = `${theta.data[bad]} at row ${Math.floor(bad / dimTheta)}, column ${bad % dimTheta}`;
    throw new SupportError(`${label}.prior.sample(${n})`, support ? `values in ${describeSupport(support)}` : "finite values", where);
  }

  const out = task.simulate(theta, rng);
  const rows = rowsOf(out, dimX);
  const dropped = { nonFinite: 0, wrongShape: 0 };
  const keep: number[] = [];
  if (rows.length !== n) {
    const received = isMatrix(out) ? `[${out.rows}, ${out.cols}]` : `${rows.length} rows`;
    if (onInvalid === "error") throw new ShapeError(`${label}.simulate(theta)`, `a matrix [${n}, ${dimX}] (one row per theta)`, received);
    dropped.wrongShape = n;
  } else {
    rows.forEach((r, i) => {
      if (!r || r.length !== dimX) {
        if (onInvalid === "error") throw new ShapeError(`${label}.simulate(theta) row ${i}`, `${dimX} values`, r ? `${r.length} values` : String(r));
        dropped.wrongShape++;
        return;
      }
      for (let j = 0; j < dimX; j++) {
        if (!Number.isFinite(r[j])) {
          if (onInvalid === "error") throw new NonFiniteError(`${label}.simulate(theta) row ${i}`, "finite values", `${r[j]} at column ${j} (theta = [${Array.from(theta.data.subarray(i * dimTheta, (i + 1) * dimTheta)).join(", ")}])`);
          dropped.nonFinite++;
          return;
        }
      }
      keep.push(i);
    });
  }
  if (keep.length === 0) {
    throw new DomainError(`${label}.simulate(theta)`, "at least one valid simulation", `none of ${n} (${dropped.nonFinite} with NaN / Inf, ${dropped.wrongShape} of the wrong shape)`);
  }
  const th = new Float64Array(keep.length * dimTheta);
  const xs = new Float64Array(keep.length * dimX);
  keep.forEach((i, k) => {
    th.set(theta.data.subarray(i * dimTheta, (i + 1) * dimTheta), k * dimTheta);
    xs.set(rows[i]!, k * dimX);
  });
  return { theta: matrix(keep.length, dimTheta, th), x: matrix(keep.length, dimX, xs), requested: n, valid: keep.length, dropped };
}

function isMatrix(v: unknown): v is Matrix {
  return !!v && typeof v === "object" && "data" in v && "rows" in v && "cols" in v;
}

/** The simulator's output as rows: a Matrix's rows (when its size is consistent), or the array itself. */
function rowsOf(out: Matrix | readonly ArrayLike<number>[], dimX: number): readonly (ArrayLike<number> | undefined)[] {
  if (Array.isArray(out)) return out;
  if (isMatrix(out)) {
    if (out.cols !== dimX || out.data.length !== out.rows * out.cols) return [];
    return Array.from({ length: out.rows }, (_, i) => out.data.subarray(i * dimX, (i + 1) * dimX));
  }
  throw new ShapeError("simulate(theta)", `a matrix [n, ${dimX}] or an array of rows`, typeof out);
}
