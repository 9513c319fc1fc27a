// A task whose prior and likelihood are distributions of the library is
// written once, as two pieces, and both views are composed from them: the
// model in the model language (a plate of simulations, each with its own
// theta: the setting of amortized inference) and the Task's prior,
// simulator and likelihood. The generative story is not written twice.
import { Tensor } from "../../core/tensor.js";
import type { Rng } from "../../core/rng.js";
import { tidy } from "../../core/scope.js";
import type { Distribution } from "../../distributions/distribution.js";
import { firstOutsideSupport } from "../../distributions/support.js";
import { defineModel, type ProbModel } from "../../model/model.js";
import { matrix, type Matrix, type TaskPrior } from "./task.js";

/** The two pieces of a task in the library's distributions. */
export interface ModelTaskParts {
  name: string;
  dimTheta: number;
  dimX: number;
  /** p(theta), drawn as [n, dimTheta]. */
  prior: Distribution;
  /** p(x | theta) for rows theta [n, dimTheta] (Tensors: differentiable where the distribution is). */
  likelihood(theta: Tensor): Distribution;
  /** The observed site's name (default "x"). */
  observed?: string;
}

/**
 * The task as a model: plate "simulations" { theta ~ prior; x ~ likelihood(theta) },
 * theta local (one per simulation / observation), x observed (site `parts.observed`).
 */
export function taskModel(parts: ModelTaskParts): ProbModel {
  return defineModel(
    parts.name,
    (m) =>
      m.plate("simulations", () => {
        const theta = m.sample("theta", parts.prior, { dim: parts.dimTheta });
        m.observe(parts.observed ?? "x", parts.likelihood(theta), { dim: parts.dimX });
      }),
    { observed: parts.observed ?? "x" },
  );
}

/** The TaskPrior of a distribution over rows of `dim` values: draws in Wasm, log p per row, -Infinity outside the support. */
export function distributionPrior(dist: Distribution, dim: number): TaskPrior {
  return {
    dim,
    support: dist.support,
    sample: (n, rng) => matrix(n, dim, inChunks(n, dim, (rows) => tidy(() => dist.sample(rng, [rows, dim]).toFloat64Array()))),
    logProb: (theta) => {
      const out = new Float64Array(theta.rows).fill(-Infinity);
      const inside: number[] = [];
      for (let i = 0; i < theta.rows; i++) {
        if (firstOutsideSupport(dist.support, theta.data.subarray(i * dim, (i + 1) * dim)) < 0) inside.push(i);
      }
      if (inside.length === 0) return out;
      const rows = new Float64Array(inside.length * dim);
      inside.forEach((r, k) => rows.set(theta.data.subarray(r * dim, (r + 1) * dim), k * dim));
      const lp = tidy(() => rowSums(dist.logProb(Tensor.from(rows, [inside.length, dim], "arena", undefined, "theta")).toFloat64Array(), inside.length));
      inside.forEach((r, k) => (out[r] = lp[k]));
      return out;
    },
  };
}

/** x ~ likelihood(theta) for each row -> [n, dimX] (vectorized draws, CHUNK rows at a time). */
export function simulateFrom(parts: ModelTaskParts): (theta: Matrix, rng: Rng) => Matrix {
  const d = parts.dimTheta;
  return (theta, rng) =>
    matrix(
      theta.rows,
      parts.dimX,
      inChunks(theta.rows, parts.dimX, (rows, start) =>
        tidy(() => {
          const th = Tensor.from(theta.data.subarray(start * d, (start + rows) * d), [rows, d], "arena", undefined, "theta");
          return parts.likelihood(th).sample(rng, [rows, parts.dimX]).toFloat64Array();
        }),
      ),
    );
}

/** Rows processed per Wasm batch: bounds the arena a 10^5-simulation budget needs (10^5 x 100 Bernoulli logits would be 80 MB a tensor). */
const CHUNK = 8192;

/** The row-major concatenation of f(rows, start) over consecutive chunks of at most CHUNK rows. */
function inChunks(n: number, width: number, f: (rows: number, start: number) => Float64Array): Float64Array {
  if (n <= CHUNK) return f(n, 0);
  const out = new Float64Array(n * width);
  for (let start = 0; start < n; start += CHUNK) out.set(f(Math.min(CHUNK, n - start), start), start * width);
  return out;
}

/** log likelihood(theta_i).prob(x) for each row theta_i and one observation x [dimX]. */
export function logLikelihoodFrom(parts: ModelTaskParts): (theta: Matrix, x: ArrayLike<number>) => Float64Array {
  return (theta, x) => {
    const n = theta.rows;
    const xs = new Float64Array(n * parts.dimX);
    for (let i = 0; i < n; i++) xs.set(x, i * parts.dimX);
    return tidy(() => {
      const th = Tensor.from(theta.data, [n, parts.dimTheta], "arena", undefined, "theta");
      return rowSums(parts.likelihood(th).logProb(Tensor.from(xs, [n, parts.dimX], "arena", undefined, "x")).toFloat64Array(), n);
    });
  };
}

/** Per-row sums of log densities returned per element ([n, d]) or per row ([n]). */
function rowSums(lp: Float64Array, n: number): Float64Array {
  if (lp.length === n) return lp;
  const d = lp.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i] += lp[i * d + j];
  return out;
}
