import { Tensor, asEngineModel, type ProbModel } from "../../../../src/index.js";
import { grid, simpson } from "../../../helpers/quadrature.js";

export const logPdf = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

/** log p(x_i, y) for each x_i of a grid (one datapoint per x, all with observation y), extra latents fixed: the engine's per-row log joint. */
export function logJointOnGrid(model: ProbModel, xs: number[], y: number, extra: Record<string, Int32Array> = {}): number[] {
  const n = xs.length;
  return asEngineModel(model).logJoint({ x: Tensor.from(xs, [n, 1]), ...extra }, { obs: Tensor.full([n, 1], y) }).toArray();
}

/** p(x_i | y) by quadrature: p(x_i, y) / ∫ p(x, y) dx over [a, b]. */
export function quadraturePosterior(joint: (xs: number[]) => number[], a: number, b: number, n = 4000): { xs: number[]; density: number[]; evidence: number } {
  const xs = grid(a, b, n);
  const p = joint(xs).map(Math.exp);
  const evidence = simpson(p, a, b);
  return { xs, density: p.map((v) => v / evidence), evidence };
}

/** Mean, variance and covariance of paired samples. */
export function moments(x: ArrayLike<number>, y: ArrayLike<number>): { mx: number; my: number; vx: number; vy: number; cxy: number } {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i] / n; my += y[i] / n; }
  let vx = 0, vy = 0, cxy = 0;
  for (let i = 0; i < n; i++) { vx += (x[i] - mx) ** 2 / n; vy += (y[i] - my) ** 2 / n; cxy += ((x[i] - mx) * (y[i] - my)) / n; }
  return { mx, my, vx, vy, cxy };
}
