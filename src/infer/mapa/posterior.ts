/**
 * MAPA(z | x) = sum_n q(n | x) N(z; z_n, tau_n^2 I): our construction of a
 * deterministic, model-agnostic posterior approximation (docs/mapa.md; the
 * paper's body was not available, the construction is ours). q(n | x) is the
 * posterior over training indices of the empiricalized model
 * p(x | n) = N(x; x_n, h^2 I), truncated to the M nearest training points
 * (the truncated mixture IS the density: sampler and logProb agree); z_n is
 * the code assigned by codes.ts; tau_n the local spacing of the codes.
 */
import { logSumExp } from "../../autodiff/ops/reduce.js";
import { add, div, mul, sub } from "../../autodiff/ops/binary.js";
import { mixtureNormalLogProb } from "../../autodiff/ops/gaussian.js";
import { sampleCategorical } from "../../autodiff/ops/categorical.js";
import { concatCols, pickCols, repeatRows, reshape, sliceCols } from "../../autodiff/ops/shape.js";
import { exp, scale, shift, square } from "../../autodiff/ops/unary.js";
import { DomainError, NonFiniteError, ShapeError, assertInteger, assertPositive } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Tensor } from "../../core/tensor.js";
import type { FixedPosterior, GuideSample } from "../../models/guide.js";
import type { Batch, LatentValues } from "../../models/model.js";
import type { MLP } from "../../nn/mlp.js";
import { dataBandwidth, type BandwidthRule } from "./bandwidth.js";
import { assignCodes, type CodeOptions } from "./codes.js";
import type { WorkCounter } from "./graph.js";

export interface MapaOptions extends CodeOptions {
  /** h: a number > 0, or a rule computing it from the data. Default "knn". */
  bandwidth?: number | BandwidthRule;
  /** M: mixture components kept per x (nearest training points). Default 64 per latent dimension. */
  components?: number;
  /** tau_n = tauScale * (mean distance of z_n to its 2 d nearest codes). Default 1. */
  tauScale?: number;
}

/** The truncated index posterior of rows of x: M entries per row, row-major. */
export interface IndexPosterior {
  rows: number;
  M: number;
  /** Training indices [rows * M]. */
  index: Int32Array;
  /** Normalized log q(n | x) [rows * M]. */
  logWeights: Float64Array;
}

function assertRows(argument: string, x: Float64Array, dim: number): void {
  if (x.length === 0 || x.length % dim !== 0) throw new ShapeError(argument, `a non-empty flat [n, ${dim}] array`, `${x.length} values`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new NonFiniteError(argument, "finite numbers", `${x[i]} at row ${Math.floor(i / dim)}, column ${i % dim}`);
  }
}

/** Mean distance of each code to its `k` nearest other codes (brute force; n^2 d). */
function localSpacing(codes: Float64Array, d: number, k: number, work: WorkCounter): Float64Array {
  const n = codes.length / d;
  const out = new Float64Array(n);
  const best = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < d; c++) s += (codes[i * d + c] - codes[j * d + c]) ** 2;
      if (s >= best[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && best[p - 1] > s) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = s;
    }
    let m = 0;
    for (let a = 0; a < k; a++) m += Math.sqrt(best[a]) / k;
    out[i] = m;
  }
  work.multiplyAdds += n * n * d;
  return out;
}

/**
 * MAPA as the fixed guide of decoder-only training (fit with the modelOnly()
 * schedule and iwaeBound({ particles: K })), which maximizes
 * log (1/K) sum_k p_theta(x, z_k) / MAPA(z_k | x), z_k ~ MAPA(. | x) over the
 * decoder only. Build it with MapaPosterior.fit(train, ...).
 */
export class MapaPosterior implements FixedPosterior {
  readonly params = [] as const;
  readonly latentDim: number;
  /** Cost of building MAPA (bandwidth, codes, the training set's q(n | x_i)): wall time and multiply-adds. */
  readonly precompute: { seconds: number; multiplyAdds: number };
  /** Index posterior of the training rows, computed once. */
  readonly trainPosterior: IndexPosterior;

  private constructor(
    readonly train: Float64Array,
    readonly obsDim: number,
    readonly codes: Float64Array,
    readonly tau: Float64Array,
    readonly bandwidth: number,
    readonly M: number,
    readonly method: string,
    work: WorkCounter,
    started: number,
  ) {
    this.latentDim = codes.length / (train.length / obsDim);
    this.trainPosterior = this.indexPosterior(train, work);
    this.precompute = { seconds: (performance.now() - started) / 1000, multiplyAdds: work.multiplyAdds };
  }

  /** Builds MAPA from training rows (flat [n, obsDim]) alone: bandwidth, codes, spacing, the training set's q(n | x_i). */
  static fit(train: Float64Array, obsDim: number, latentDim: number, rng: Rng, options: MapaOptions = {}): MapaPosterior {
    const started = performance.now();
    assertInteger("obsDim", obsDim, 1);
    assertInteger("latentDim", latentDim, 1);
    if (latentDim > 2) throw new DomainError("latentDim", "1 or 2 (the code assignment supports at most 2 latent dimensions)", String(latentDim));
    assertRows("train", train, obsDim);
    const n = train.length / obsDim;
    if (n < 3) throw new ShapeError("train", "at least 3 rows", `${n} rows`);
    const work: WorkCounter = { multiplyAdds: 0 };
    const bw = options.bandwidth ?? "knn";
    let h: number;
    if (typeof bw === "number") {
      assertPositive("bandwidth", bw);
      h = bw;
    } else {
      h = dataBandwidth(train, obsDim, bw, 10, work);
    }
    const M = Math.min(options.components ?? 64 * latentDim, n);
    assertInteger("components", M, 1);
    const tauScale = options.tauScale ?? 1;
    assertPositive("tauScale", tauScale);
    const mark = rng.rt.arena.mark();
    const assigned = assignCodes(train, obsDim, latentDim, rng, options, work);
    rng.rt.arena.restore(mark);
    const tau = localSpacing(assigned.codes, latentDim, 2 * latentDim, work).map((t) => Math.max(tauScale * t, 1e-6));
    return new MapaPosterior(train, obsDim, assigned.codes, tau, h, M, assigned.method, work, started);
  }

  get size(): number {
    return this.train.length / this.obsDim;
  }

  /** q(n | x) = softmax_n(-||x - x_n||^2 / (2 h^2)) over the training rows, truncated to the M largest and renormalized. */
  indexPosterior(x: Float64Array, work?: WorkCounter): IndexPosterior {
    assertRows("x", x, this.obsDim);
    const D = this.obsDim;
    const N = this.size;
    const M = this.M;
    const rows = x.length / D;
    const index = new Int32Array(rows * M);
    const logWeights = new Float64Array(rows * M);
    const sq = new Float64Array(M);
    const inv = 1 / (2 * this.bandwidth * this.bandwidth);
    for (let i = 0; i < rows; i++) {
      sq.fill(Infinity);
      const base = i * M;
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let c = 0; c < D; c++) {
          const r = x[i * D + c] - this.train[j * D + c];
          s += r * r;
        }
        if (s >= sq[M - 1]) continue;
        let p = M - 1;
        while (p > 0 && sq[p - 1] > s) {
          sq[p] = sq[p - 1];
          index[base + p] = index[base + p - 1];
          p--;
        }
        sq[p] = s;
        index[base + p] = j;
      }
      let total = 0;
      for (let m = 0; m < M; m++) total += Math.exp(-(sq[m] - sq[0]) * inv);
      for (let m = 0; m < M; m++) logWeights[base + m] = -(sq[m] - sq[0]) * inv - Math.log(total);
    }
    if (work) work.multiplyAdds += rows * N * D;
    return { rows, M, index, logWeights };
  }

  /** E_MAPA[z | x] = sum_n q(n | x) z_n for rows of x (flat [rows, latentDim]). */
  posteriorMean(x: Float64Array): Float64Array {
    const q = this.indexPosterior(x);
    const d = this.latentDim;
    const out = new Float64Array(q.rows * d);
    for (let i = 0; i < q.rows; i++) {
      for (let m = 0; m < q.M; m++) {
        const w = Math.exp(q.logWeights[i * q.M + m]);
        const n = q.index[i * q.M + m];
        for (let c = 0; c < d; c++) out[i * d + c] += w * this.codes[n * d + c];
      }
    }
    return out;
  }

  /** The mixture of rows of x as arena tensors: log-weights [B, M], per-dimension means [B, M], log tau [B, M]. */
  mixture(batch: Batch | Float64Array): { logWeights: Tensor; means: Tensor[]; logStds: Tensor } {
    if (!(batch instanceof Float64Array) && batch.index) return this.gatherTrainRows(batch.index);
    const x = batch instanceof Float64Array ? batch : batch.obs.toFloat64Array();
    return this.tables(this.indexPosterior(x), "arena");
  }

  /** Per-component tables of an index posterior: log q, code coordinates, log tau, each [rows, M]. */
  private tables(q: IndexPosterior, lifetime: "arena" | "persistent"): { logWeights: Tensor; means: Tensor[]; logStds: Tensor } {
    const d = this.latentDim;
    const n = q.rows * q.M;
    const means = Array.from({ length: d }, (_, c) => Float64Array.from({ length: n }, (_, i) => this.codes[q.index[i] * d + c]));
    const logStds = Float64Array.from({ length: n }, (_, i) => Math.log(this.tau[q.index[i]]));
    const shape = [q.rows, q.M];
    return {
      logWeights: Tensor.from(q.logWeights, shape, lifetime),
      means: means.map((m) => Tensor.from(m, shape, lifetime)),
      logStds: Tensor.from(logStds, shape, lifetime),
    };
  }

  private trainTables: { logWeights: Tensor; means: Tensor[]; logStds: Tensor } | null = null;

  /** Rows of the precomputed training tables (persistent), one Wasm copy per row and table. */
  private gatherTrainRows(index: Int32Array): { logWeights: Tensor; means: Tensor[]; logStds: Tensor } {
    this.trainTables ??= this.tables(this.trainPosterior, "persistent");
    const N = this.trainPosterior.rows;
    const M = this.M;
    const gather = (src: Tensor): Tensor => {
      const out = Tensor.empty([index.length, M], "arena", src.rt);
      index.forEach((row, b) => {
        if (!(row >= 0 && row < N)) throw new DomainError("batch.index", `training rows in [0, ${N})`, String(row));
        src.rt.k.copy(out.ptr + b * M * 8, src.ptr + row * M * 8, M);
      });
      return out;
    };
    const t = this.trainTables;
    return { logWeights: gather(t.logWeights), means: t.means.map(gather), logStds: gather(t.logStds) };
  }

  /** Frees the persistent training tables. */
  dispose(): void {
    if (!this.trainTables) return;
    const t = this.trainTables;
    [t.logWeights, t.logStds, ...t.means].forEach((x) => x.dispose());
    this.trainTables = null;
  }

  /** One z ~ MAPA(. | x_b) per row, with log MAPA(z | x_b). */
  sample(batch: Batch, rng: Rng): GuideSample {
    return this.sampleRepeated(batch, 1, rng);
  }

  /** K draws per row (row b*K + k), with log MAPA(z | x_b) -> GuideSample {values: {z}, logQ, logQScore: null}. */
  sampleRepeated(batch: Batch | Float64Array, K: number, rng: Rng): GuideSample {
    const { z, logQ } = this.sampleWithLogProb(batch, K, rng);
    return { values: { z }, logQ, logQScore: null };
  }

  /** z_k ~ MAPA(. | x_b), k < K, and log MAPA(z_k | x_b): pick a component by q(n | x), add tau_n * eps. */
  sampleWithLogProb(batch: Batch | Float64Array, K: number, rng: Rng): { z: Tensor; logQ: Tensor } {
    assertInteger("K", K, 1);
    const mix = this.mixture(batch);
    const lw = repeatRows(mix.logWeights, K);
    const ls = repeatRows(mix.logStds, K);
    const means = mix.means.map((m) => repeatRows(m, K));
    const BK = lw.rows;
    const pick = sampleCategorical(lw, rng);
    const std = exp(pickCols(ls, pick));
    const cols = means.map((m) => reshape(add(pickCols(m, pick), mul(std, rng.normal([BK]))), [BK, 1]));
    const z = cols.length === 1 ? cols[0] : concatCols(cols);
    return { z, logQ: this.logProbOf(z, lw, means, ls) };
  }

  /** log MAPA(z | x) for values.z [B*K, d] (K = z.rows / rows(x)) -> [B*K]. */
  logProb(values: LatentValues | Tensor, batch: Batch | Float64Array): Tensor {
    const z = values instanceof Tensor ? values : values.z;
    if (!(z instanceof Tensor)) throw new DomainError("values.z", "a Tensor [B, Z]", "not a Tensor");
    const mix = this.mixture(batch);
    const B = mix.logWeights.rows;
    if (z.rank !== 2 || z.shape[1] !== this.latentDim || z.rows % B !== 0) {
      throw new ShapeError("z", `shape [${B} * K, ${this.latentDim}]`, `shape [${z.shape.join(", ")}]`);
    }
    const K = z.rows / B;
    return this.logProbOf(z, repeatRows(mix.logWeights, K), mix.means.map((m) => repeatRows(m, K)), repeatRows(mix.logStds, K));
  }

  private logProbOf(z: Tensor, lw: Tensor, means: Tensor[], ls: Tensor): Tensor {
    if (this.latentDim === 1) return mixtureNormalLogProb(z, lw, means[0], ls);
    // sum_d log N(z_d; mu_d, tau) per component, then log-sum-exp over components.
    let acc = add(lw, scale(ls, -this.latentDim));
    for (let c = 0; c < this.latentDim; c++) {
      const zc = sliceCols(z, c, c + 1);
      acc = add(acc, scale(square(div(sub(zc, means[c]), exp(ls))), -0.5));
    }
    return shift(logSumExp(acc), -0.5 * this.latentDim * Math.log(2 * Math.PI));
  }
}

/** MAPA's precomputation in datapoint-passes of a decoder MLP: multiply-adds / (multiply-adds of one decoder forward pass over one row). */
export function precomputePasses(posterior: MapaPosterior, decoder: Pick<MLP, "sizes">): number {
  const sizes = decoder.sizes;
  let macs = 0;
  for (let l = 1; l < sizes.length; l++) macs += sizes[l - 1] * sizes[l];
  return posterior.precompute.multiplyAdds / macs;
}
