import { noGrad } from "../autodiff/tape.js";
import { DomainError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { runtime } from "../core/runtime.js";
import type { Tensor } from "../core/tensor.js";
import type { VAE } from "../models/vae.js";

/** Encoder means and log std of q_phi(z | x) for every row of x, as plain arrays [M][Z] (not counted as training cost by itself). */
export function encoderMoments(vae: VAE, x: Tensor): { mean: number[][]; logStd: number[][] } {
  const a = runtime().arena;
  const m = a.mark();
  try {
    return noGrad(() => {
      const { mean, logStd } = vae.encode(x);
      return { mean: mean.toRows(), logStd: logStd.toRows() };
    });
  } finally {
    a.restore(m);
  }
}

/**
 * Mutual information I_q(x; z) under the aggregate posterior of the held-out
 * set (Hoffman & Johnson 2016; the estimator of He et al. 2019):
 *   I = (1/M) sum_i [ log q(z_i | x_i) - log (1/M) sum_j q(z_i | x_j) ],  z_i ~ q(. | x_i),
 * with E_q[log q(z | x_i)] = -sum_d (0.5 log(2 pi e) + s_d(x_i)) exact.
 */
export function mutualInformation(vae: VAE, x: Tensor, rng: Rng): number {
  if (x.rank !== 2 || x.rows < 2) throw new DomainError("x", "at least two held-out rows [M, D]", `shape [${x.shape.join(", ")}]`);
  const { mean, logStd } = encoderMoments(vae, x);
  const M = mean.length;
  const Z = mean[0].length;
  const eps = rng.normal([M, Z]).toFloat64Array();
  const c = 0.5 * Math.log(2 * Math.PI);
  let negEntropy = 0;
  let logQAgg = 0;
  const row = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const z = mean[i].map((mu, d) => mu + Math.exp(logStd[i][d]) * eps[i * Z + d]);
    for (let d = 0; d < Z; d++) negEntropy -= c + 0.5 + logStd[i][d];
    let max = -Infinity;
    for (let j = 0; j < M; j++) {
      let lp = 0;
      for (let d = 0; d < Z; d++) {
        const u = (z[d] - mean[j][d]) * Math.exp(-logStd[j][d]);
        lp -= c + logStd[j][d] + 0.5 * u * u;
      }
      row[j] = lp;
      if (lp > max) max = lp;
    }
    let s = 0;
    for (let j = 0; j < M; j++) s += Math.exp(row[j] - max);
    logQAgg += max + Math.log(s) - Math.log(M);
  }
  return (negEntropy - logQAgg) / M;
}
