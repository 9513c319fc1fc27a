// Categorical ops over logits [B, K] (row-wise softmax). Sampling is not
// differentiable (use estimators.ts: score function or enumeration).
import { DomainError, ShapeError, describeShape } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";
import { int32FromMemory, int32ToArena } from "./broadcast-index.js";

function assertLogits(argument: string, logits: Tensor): void {
  if (logits.rank !== 2) throw new ShapeError(argument, "shape [B, K]", `shape ${describeShape(logits.shape)}`);
}

/** log softmax(logits)[b, idx[b]] = logits[b, idx[b]] - logsumexp_k logits[b, k] -> [B]. */
export function categoricalLogProb(logits: Tensor, idx: Int32Array | readonly number[]): Tensor {
  assertLogits("logits", logits);
  const [B, K] = logits.shape;
  if (idx.length !== B) throw new ShapeError("idx", `${B} indices (one per row of logits)`, `${idx.length} indices`);
  const rt = logits.rt;
  const idxPtr = int32ToArena(rt, idx);
  const out = Tensor.empty([B], "arena", rt);
  const bad = rt.k.categoricalLogProbForward(logits.ptr, idxPtr, out.ptr, B, K);
  if (bad >= 0) throw new DomainError("idx", `integers in [0, ${K})`, `${idx[bad]} at index ${bad}`);
  return record(out, [logits], (g) => rt.k.categoricalLogProbBackward(logits.ptr, idxPtr, g.ptr, gradOf(logits).ptr, B, K));
}

/** k[b] ~ Categorical(softmax(logits[b])) by inverse CDF on Philox uniforms; logits [B, K] (or [K] for one draw). */
export function sampleCategorical(logits: Tensor, rng: Rng, n = logits.rank === 2 ? logits.rows : 1): Int32Array {
  if (logits.rank !== 1) assertLogits("logits", logits);
  const K = logits.shape[logits.rank - 1];
  const stride = logits.rank === 1 || logits.rows === 1 ? 0 : K;
  if (stride !== 0 && n !== logits.rows) throw new ShapeError("n", `${logits.rows} (rows of logits)`, String(n));
  const rt = logits.rt;
  const mark = rt.arena.mark();
  const u = rt.arena.alloc(n * 8);
  const out = rt.arena.alloc(n * 4);
  rng.fillUniform(u, n);
  rt.k.categoricalSample(logits.ptr, u, out, n, K, stride);
  const idx = int32FromMemory(rt, out, n);
  rt.arena.restore(mark);
  return idx;
}

/** H[b] = -sum_k p_k log p_k, p = softmax(logits[b]) -> [B]. */
export function categoricalEntropy(logits: Tensor): Tensor {
  assertLogits("logits", logits);
  const [B, K] = logits.shape;
  const out = Tensor.empty([B], "arena", logits.rt);
  const k = logits.rt.k;
  k.categoricalEntropyForward(logits.ptr, out.ptr, B, K);
  return record(out, [logits], (g) => k.categoricalEntropyBackward(logits.ptr, out.ptr, g.ptr, gradOf(logits).ptr, B, K));
}

/** KL(p || q)[b] = sum_k p_k (log p_k - log q_k), p = softmax(logitsP[b]), q = softmax(logitsQ[b]); either may be [1, K] -> [B]. */
export function categoricalKL(logitsP: Tensor, logitsQ: Tensor): Tensor {
  assertLogits("logitsP", logitsP);
  assertLogits("logitsQ", logitsQ);
  const K = logitsP.shape[1];
  const B = Math.max(logitsP.rows, logitsQ.rows);
  for (const [name, t] of [["logitsP", logitsP], ["logitsQ", logitsQ]] as const) {
    if (t.shape[1] !== K || (t.rows !== B && t.rows !== 1)) {
      throw new ShapeError(name, `shape [${B}, ${K}] or [1, ${K}]`, `shape ${describeShape(t.shape)}`);
    }
  }
  const sp = logitsP.rows === 1 ? 0 : K;
  const sq = logitsQ.rows === 1 ? 0 : K;
  const out = Tensor.empty([B], "arena", logitsP.rt);
  const k = logitsP.rt.k;
  k.categoricalKLForward(logitsP.ptr, logitsQ.ptr, out.ptr, B, K, sp, sq);
  return record(out, [logitsP, logitsQ], (g) =>
    k.categoricalKLBackward(
      logitsP.ptr, logitsQ.ptr, out.ptr, g.ptr,
      logitsP.requiresGrad ? gradOf(logitsP).ptr : 0, logitsQ.requiresGrad ? gradOf(logitsQ).ptr : 0, B, K, sp, sq,
    ),
  );
}
