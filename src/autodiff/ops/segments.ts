// Pooling over segments of consecutive rows and the patches of a 1-D
// sequence: the data movement of the set and sequence summary networks
// (src/infer/families/summary-*.ts). One kernel call each way.
import { DomainError, ShapeError, assertInteger, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** out[s, :] = scale * sum_{i<k} x[s k + i, :]: [S k, C] -> [S, C] (x viewed as rows of C). */
function segmentSum(x: Tensor, k: number, scale: number): Tensor {
  assertInteger("k", k, 1);
  if (x.rank < 1 || x.rows % k !== 0) {
    throw new ShapeError("x", `a tensor whose rows are a multiple of k = ${k} (segments of k rows)`, `shape ${describeShape(x.shape)}`);
  }
  const segments = x.rows / k;
  const cols = x.cols;
  const out = Tensor.empty(x.rank === 1 ? [segments] : [segments, ...x.shape.slice(1)], "arena", x.rt);
  x.rt.k.segmentSumForward(x.ptr, out.ptr, segments, k, cols, scale);
  return record(out, [x], (g) => x.rt.k.segmentSumBackward(g.ptr, gradOf(x).ptr, segments, k, cols, scale));
}

/** out[s, :] = sum_{i<k} x[s k + i, :]: [S k, C] -> [S, C] (sum pooling of S sets of k elements); the gradient copies g[s] to each row. */
export function segmentSumRows(x: Tensor, k: number): Tensor {
  return segmentSum(x, k, 1);
}

/** out[s, :] = (1/k) sum_{i<k} x[s k + i, :]: [S k, C] -> [S, C] (mean pooling; the inverse layout of repeatRows). */
export function segmentMeanRows(x: Tensor, k: number): Tensor {
  assertInteger("k", k, 1);
  return segmentSum(x, k, 1 / k);
}

/** How a time-major sequence row is cut into patches. */
export interface Patches1dOptions {
  /** Time steps T of each row. */
  length: number;
  /** Values per time step C (each row of x holds T * C values, time-major). */
  channels: number;
  /** Taps per patch K. */
  kernel: number;
  /** Step between patch starts. Default: 1. */
  stride?: number;
  /** Zeros added before step 0 and after step T - 1 (at most K - 1). Default: 0. */
  padding?: number;
}

/** Output length floor((T + 2 pad - K) / stride) + 1 of a 1-D convolution; DomainError naming `kernel` if the kernel is longer than the padded sequence. */
export function convOutputLength(length: number, kernel: number, stride: number, padding: number): number {
  if (kernel > length + 2 * padding) {
    throw new DomainError("kernel", `at most the padded sequence length ${length + 2 * padding} (T = ${length}, padding ${padding})`, String(kernel));
  }
  return Math.floor((length + 2 * padding - kernel) / stride) + 1;
}

/**
 * im2col of a 1-D sequence: out[b L + t, j C + c] = x[b, (t s - p + j) C + c]
 * (0 outside [0, T)), x [B, T C] time-major -> [B L, K C] with L =
 * floor((T + 2p - K) / s) + 1, so that a convolution with weights [K C, C_out]
 * is one dense call whose output [B L, C_out] is again time-major. The
 * gradient scatter-adds each patch back (overlapping taps accumulate).
 */
export function patches1d(x: Tensor, { length, channels, kernel, stride = 1, padding = 0 }: Patches1dOptions): Tensor {
  assertInteger("length", length, 1);
  assertInteger("channels", channels, 1);
  assertInteger("kernel", kernel, 1);
  assertInteger("stride", stride, 1);
  assertInteger("padding", padding, 0);
  if (padding >= kernel) throw new DomainError("padding", `an integer < kernel = ${kernel} (a patch of zeros only carries nothing)`, String(padding));
  if (x.rank !== 2 || x.cols !== length * channels) {
    throw new ShapeError("x", `a tensor [B, ${length * channels}] (T = ${length} steps of ${channels} channels)`, `shape ${describeShape(x.shape)}`);
  }
  const L = convOutputLength(length, kernel, stride, padding);
  const B = x.rows;
  const out = Tensor.empty([B * L, kernel * channels], "arena", x.rt);
  const args = [B, length, channels, kernel, stride, padding, L] as const;
  x.rt.k.patches1dForward(x.ptr, out.ptr, ...args);
  return record(out, [x], (g) => x.rt.k.patches1dBackward(g.ptr, gradOf(x).ptr, ...args));
}
