// Data movement for summary networks over sets and sequences: sums over
// segments of k consecutive rows (the pooling of a set's or a sequence's
// elements) and the 1-D patches of a time-major sequence (im2col, so that a
// convolution is one dense call), each with its accumulating backward.
import { at } from "./scalar";
import { sumRowsBackward, sumRowsForward } from "./reduce";
import { addBlock } from "./shape";

/** out[s, j] = scale * sum_{i<k} x[s * k + i, j] for s < segments, j < cols */
export function segmentSumForward(x: usize, out: usize, segments: i32, k: i32, cols: i32, scale: f64): void {
  for (let s = 0; s < segments; s++) sumRowsForward(at(x, s * k * cols), at(out, s * cols), k, cols, scale);
}

/** dx[s * k + i, j] += scale * g[s, j] */
export function segmentSumBackward(g: usize, dx: usize, segments: i32, k: i32, cols: i32, scale: f64): void {
  for (let s = 0; s < segments; s++) sumRowsBackward(at(g, s * cols), at(dx, s * k * cols), k, cols, scale);
}

/**
 * out[b * outLen + t, j * C + c] = x[b, (t * stride - pad + j) * C + c], 0 where
 * the time index falls outside [0, length): x [batch, length * C] time-major,
 * out [batch * outLen, kernel * C]. The valid taps of a patch are contiguous
 * in x, so each patch is one copy plus the zero padding at the ends.
 */
export function patches1dForward(
  x: usize, out: usize, batch: i32, length: i32, C: i32, kernel: i32, stride: i32, pad: i32, outLen: i32,
): void {
  const width = kernel * C;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < outLen; t++) {
      const row = at(out, (b * outLen + t) * width);
      const start = t * stride - pad;
      const lo = min(kernel, max(0, -start));
      const hi = min(kernel, length - start);
      if (lo > 0) memory.fill(row, 0, <usize>(lo * C) << 3);
      if (hi > lo) memory.copy(at(row, lo * C), at(x, (b * length + start + lo) * C), <usize>((hi - lo) * C) << 3);
      if (hi < kernel) memory.fill(at(row, max(hi, lo) * C), 0, <usize>((kernel - max(hi, lo)) * C) << 3);
    }
  }
}

/** dx[b, (t * stride - pad + j) * C + c] += g[b * outLen + t, j * C + c] over the valid taps */
export function patches1dBackward(
  g: usize, dx: usize, batch: i32, length: i32, C: i32, kernel: i32, stride: i32, pad: i32, outLen: i32,
): void {
  const width = kernel * C;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < outLen; t++) {
      const start = t * stride - pad;
      const lo = min(kernel, max(0, -start));
      const hi = min(kernel, length - start);
      if (hi > lo) addBlock(at(g, (b * outLen + t) * width + lo * C), 0, at(dx, (b * length + start + lo) * C), 0, 1, (hi - lo) * C);
    }
  }
}
