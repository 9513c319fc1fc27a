// Plain-JS references of the coupling transforms (assembly/coupling.ts,
// assembly/spline.ts), written from the papers with explicit knot arrays; the
// spline's inverse is found by bisection on the forward map, independently of
// the kernel's quadratic root.

/** Same minimums as assembly/spline.ts (nflows' defaults). */
export const MIN_BIN = 1e-3;
export const MIN_DERIVATIVE = 1e-3;

const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

function softmax(v: readonly number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Knots (xs, ys, K + 1 each) and derivatives (K + 1) of the spline with raw parameters p (3K - 1 values). */
export function splineKnots(p: readonly number[], K: number, B: number) {
  const cum = (q: number[]) => {
    const out = [-B];
    for (const v of q) out.push(out[out.length - 1] + 2 * B * (MIN_BIN + (1 - MIN_BIN * K) * v));
    return out;
  };
  const shift = Math.log(Math.expm1(1 - MIN_DERIVATIVE));
  const d = [1, ...p.slice(2 * K, 3 * K - 1).map((r) => MIN_DERIVATIVE + softplus(r + shift)), 1];
  return { xs: cum(softmax(p.slice(0, K))), ys: cum(softmax(p.slice(K, 2 * K))), d };
}

/** y = g(x) and log g'(x) of one RQ spline (identity outside [-B, B]) (Durkan et al. 2019, eqs. 4-5). */
export function splineForwardRef(v: number, p: readonly number[], K: number, B: number): { y: number; logSlope: number } {
  if (v < -B || v > B) return { y: v, logSlope: 0 };
  const { xs, ys, d } = splineKnots(p, K, B);
  let k = 0;
  while (k < K - 1 && v >= xs[k + 1]) k++;
  const w = xs[k + 1] - xs[k];
  const h = ys[k + 1] - ys[k];
  const s = h / w;
  const xi = (v - xs[k]) / w;
  const den = s + (d[k + 1] + d[k] - 2 * s) * xi * (1 - xi);
  const y = ys[k] + (h * (s * xi * xi + d[k] * xi * (1 - xi))) / den;
  const slope = (s * s * (d[k + 1] * xi * xi + 2 * s * xi * (1 - xi) + d[k] * (1 - xi) ** 2)) / den ** 2;
  return { y, logSlope: Math.log(slope) };
}

/** x = g^-1(y) by bisection on splineForwardRef, and -log g'(x). */
export function splineInverseRef(v: number, p: readonly number[], K: number, B: number): { y: number; logSlope: number } {
  if (v < -B || v > B) return { y: v, logSlope: 0 };
  let lo = -B;
  let hi = B;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (splineForwardRef(mid, p, K, B).y < v) lo = mid;
    else hi = mid;
  }
  const x = 0.5 * (lo + hi);
  return { y: x, logSlope: -splineForwardRef(x, p, K, B).logSlope };
}

/** Affine coupling of one column: (t, a) -> y and its log-slope (s = S tanh(a / S)). */
export function affineRef(v: number, t: number, a: number, S: number, inverse: boolean): { y: number; logSlope: number } {
  const s = S * Math.tanh(a / S);
  return inverse ? { y: (v - t) * Math.exp(-s), logSlope: -s } : { y: v * Math.exp(s) + t, logSlope: s };
}

/**
 * A whole coupling layer on row-major x [rows, dim] with params [rows, P nB]:
 * `one(v, paramsOfColumn)` per transformed column; returns y and logDet per row.
 */
export function couplingRef(
  x: readonly number[], params: readonly number[], rows: number, dim: number, transformed: readonly number[], P: number,
  one: (v: number, p: number[]) => { y: number; logSlope: number },
): { y: number[]; logDet: number[] } {
  const y = x.slice();
  const logDet = new Array(rows).fill(0);
  for (let r = 0; r < rows; r++) {
    transformed.forEach((j, k) => {
      const base = r * P * transformed.length + k * P;
      const o = one(x[r * dim + j], params.slice(base, base + P) as number[]);
      y[r * dim + j] = o.y;
      logDet[r] += o.logSlope;
    });
  }
  return { y, logDet };
}
