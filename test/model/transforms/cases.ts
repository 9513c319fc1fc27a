// The bijectors under test with plain-JS references (one row at a time) and
// samplers of points in their codomain, shared by the transform tests.
import { noGrad } from "../../../src/autodiff/tape.js";
import { Tensor } from "../../../src/core/tensor.js";
import {
  affineBijector, expBijector, identityBijector, intervalBijector, softplusBijector, stickBreakingBijector, type Bijector,
} from "../../../src/model/transforms/index.js";

const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

export interface Case {
  name: string;
  bijector: Bijector;
  /** Unconstrained row size used in the tests. */
  du: number;
  /** x = f(u) for one row, plain JS. */
  forward: (u: number[]) => number[];
  /** log |det J| for one row, plain JS. */
  logDet: (u: number[]) => number;
  /** A point of the codomain (dx entries) from standard normals n. */
  pointFrom: (n: number[]) => number[];
}

const elementwise = (bijector: Bijector, f: (v: number) => number, logDf: (v: number) => number, point: (v: number) => number, du = 3): Case => ({
  name: bijector.name,
  bijector,
  du,
  forward: (u) => u.map(f),
  logDet: (u) => u.reduce((s, v) => s + logDf(v), 0),
  pointFrom: (n) => n.map(point),
});

/** x_k = z_k (1 - z_0) ... (1 - z_{k-1}), z_k = sigmoid(u_k - log(K-1-k)), the torch formula (1 - z, naive). */
function stickRef(u: number[]): number[] {
  const du = u.length;
  const x: number[] = [];
  let rest = 1;
  for (let k = 0; k < du; k++) {
    const z = sigmoid(u[k] - Math.log(du - k));
    x.push(z * rest);
    rest *= 1 - z;
  }
  return [...x, rest];
}

/**
 * sum_k log x_k + log(1 - z_k) (torch's StickBreakingTransform.log_abs_det_jacobian),
 * with log x_k = log z_k + sum_{j<k} log(1 - z_j) accumulated in log space.
 */
function stickLogDetRef(u: number[]): number {
  const du = u.length;
  let s = 0;
  let logRest = 0;
  for (let k = 0; k < du; k++) {
    const t = u[k] - Math.log(du - k);
    const logZ = -softplus(-t);
    const log1mZ = -softplus(t);
    s += logZ + logRest + log1mZ;
    logRest += log1mZ;
  }
  return s;
}

/** A random simplex row of K entries (normalized exponentials of n). */
const simplexFrom = (n: number[]) => {
  const e = n.map((v) => Math.exp(v));
  const t = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / t);
};

export const CASES: Case[] = [
  elementwise(identityBijector, (v) => v, () => 0, (v) => 4 * v),
  elementwise(expBijector, Math.exp, (v) => v, (v) => Math.exp(2 * v)),
  elementwise(softplusBijector, softplus, (v) => Math.log(sigmoid(v)), (v) => Math.exp(2 * v)),
  elementwise(intervalBijector(0, 1), sigmoid, (v) => Math.log(sigmoid(v) * sigmoid(-v)), sigmoid),
  elementwise(intervalBijector(-2, 3), (v) => -2 + 5 * sigmoid(v), (v) => Math.log(5 * sigmoid(v) * sigmoid(-v)), (v) => -2 + 5 * sigmoid(2 * v), 5),
  elementwise(affineBijector(1.5, -0.7), (v) => 1.5 - 0.7 * v, () => Math.log(0.7), (v) => 3 * v),
  { name: "stick-breaking K=2", bijector: stickBreakingBijector, du: 1, forward: stickRef, logDet: stickLogDetRef, pointFrom: simplexFrom },
  { name: "stick-breaking K=5", bijector: stickBreakingBijector, du: 4, forward: stickRef, logDet: stickLogDetRef, pointFrom: simplexFrom },
];

/** Rows as a [rows, cols] arena tensor. */
export const rowsTensor = (rows: number[][]): Tensor => Tensor.from(rows);

/** log |det| of a square matrix (rows) by Gaussian elimination with partial pivoting. */
export function logAbsDet(m: number[][]): number {
  const a = m.map((r) => r.slice());
  const n = a.length;
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    s += Math.log(Math.abs(a[c][c]));
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return s;
}

/**
 * log |det| of the central-difference Jacobian d x_{0..du-1} / d u of the
 * bijector's forward at one row u (the simplex: its first K - 1 entries).
 */
export function numericLogDet(b: Bijector, u: number[], eps = 1e-5): number {
  const du = u.length;
  const shifted: number[][] = [];
  for (let j = 0; j < du; j++) {
    for (const sgn of [1, -1]) shifted.push(u.map((v, i) => (i === j ? v + sgn * eps : v)));
  }
  const x = noGrad(() => b.forward(rowsTensor(shifted))).toRows();
  const jac = Array.from({ length: du }, (_, i) => Array.from({ length: du }, (_, j) => (x[2 * j][i] - x[2 * j + 1][i]) / (2 * eps)));
  return logAbsDet(jac);
}
