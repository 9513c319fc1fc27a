import { AmortviError } from "../core/errors.js";
import type { Distribution } from "../distributions/distribution.js";

/**
 * A distribution over the rows of a plate jointly (ADR 0008, Consequences):
 * a random walk z_n ~ N(z_{n-1}, s^2), a Gaussian process over the rows. Its
 * logProb(value [rows, d]) returns per-row terms [rows] whose SUM is the joint
 * log density (the random walk's per-step terms, a GP's whitened Cholesky
 * terms); they are not independent factors, so a run needs all `jointRows`
 * rows of the plate, in data order: no subsampling.
 */
export interface JointRowsDistribution extends Distribution {
  /** The number of rows the distribution covers jointly (its plate's full size N). */
  readonly jointRows: number;
}

/** True for a distribution that declares `jointRows` (a JointRowsDistribution). */
export function isJointRows(dist: Distribution): dist is JointRowsDistribution {
  return typeof (dist as Partial<JointRowsDistribution>).jointRows === "number";
}

/** A minibatch (fewer rows, or rows out of data order) given to a model whose rows are not independent. */
export class FullBatchError extends AmortviError {}

/**
 * Checks a site of a joint-rows distribution: it lies in a plate whose run
 * holds all of its N rows (rows = plate size = N; FullBatchError naming the
 * site otherwise).
 */
export function checkJointRows(site: string, dist: JointRowsDistribution, plate: { name: string; size: number; rows: number } | null): void {
  const N = dist.jointRows;
  if (!plate) throw new FullBatchError(`site "${site}"`, `a site inside a plate of ${N} rows (its distribution is over the plate's rows jointly)`, "a global site");
  if (plate.rows !== N || plate.size !== N) {
    throw new FullBatchError(
      `site "${site}"`,
      `all ${N} rows of plate "${plate.name}" in one batch (its distribution couples the rows: full batch only, no minibatches)`,
      plate.rows !== N ? `a batch of ${plate.rows} rows` : `a plate of size ${plate.size}`,
    );
  }
}
