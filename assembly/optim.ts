// Optimizer kernels: one call updates every parameter of a contiguous buffer
// and zeroes its gradient buffer in the same pass, so a training step costs
// one kernel call per parameter store instead of one per tensor.

/**
 * Adam (Kingma & Ba 2015) with bias correction, t = step (1-based):
 *   g = grad + wd * p                       (coupled L2, decoupled = 0)
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
 *   p = p (1 - lr wd)                       (AdamW, decoupled = 1; Loshchilov & Hutter 2019)
 *   p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * then grad = 0.
 */
export function adamStep(
  params: usize,
  grads: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f64,
  beta1: f64,
  beta2: f64,
  eps: f64,
  weightDecay: f64,
  decoupled: i32,
  step: f64,
): void {
  const l2 = decoupled ? 0.0 : weightDecay;
  const keep = decoupled ? 1.0 - lr * weightDecay : 1.0;
  const stepSize = lr / (1.0 - Math.pow(beta1, step));
  const invSqrtBc2 = 1.0 / Math.sqrt(1.0 - Math.pow(beta2, step));
  const c1 = 1.0 - beta1;
  const c2 = 1.0 - beta2;

  const l2v = f64x2.splat(l2);
  const keepv = f64x2.splat(keep);
  const sv = f64x2.splat(stepSize);
  const ibv = f64x2.splat(invSqrtBc2);
  const b1v = f64x2.splat(beta1);
  const b2v = f64x2.splat(beta2);
  const c1v = f64x2.splat(c1);
  const c2v = f64x2.splat(c2);
  const epsv = f64x2.splat(eps);
  const zero = f64x2.splat(0.0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const p = v128.load(params + o);
    const g = f64x2.add(v128.load(grads + o), f64x2.mul(l2v, p));
    const mi = f64x2.add(f64x2.mul(b1v, v128.load(m + o)), f64x2.mul(c1v, g));
    const vi = f64x2.add(f64x2.mul(b2v, v128.load(v + o)), f64x2.mul(c2v, f64x2.mul(g, g)));
    const denom = f64x2.add(f64x2.mul(f64x2.sqrt(vi), ibv), epsv);
    const upd = f64x2.div(f64x2.mul(sv, mi), denom);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(params + o, f64x2.sub(f64x2.mul(p, keepv), upd));
    v128.store(grads + o, zero);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const p = load<f64>(params + o);
    const g = load<f64>(grads + o) + l2 * p;
    const mi = beta1 * load<f64>(m + o) + c1 * g;
    const vi = beta2 * load<f64>(v + o) + c2 * (g * g);
    const denom = Math.sqrt(vi) * invSqrtBc2 + eps;
    store<f64>(m + o, mi);
    store<f64>(v + o, vi);
    store<f64>(params + o, p * keep - (stepSize * mi) / denom);
    store<f64>(grads + o, 0.0);
  }
}

/**
 * SGD with momentum (PyTorch convention, velocity starting at 0):
 *   g = grad + wd * p,  u = mu u + (1 - dampening) g
 *   p -= lr * (nesterov ? g + mu u : u)
 * then grad = 0. With mu = 0 and dampening = 0 this is plain SGD.
 */
export function sgdStep(
  params: usize,
  grads: usize,
  velocity: usize,
  n: i32,
  lr: f64,
  momentum: f64,
  dampening: f64,
  nesterov: i32,
  weightDecay: f64,
): void {
  const c = 1.0 - dampening;
  // nesterov: d = g + mu u; otherwise d = 0 g + 1 u
  const dg = nesterov ? 1.0 : 0.0;
  const du = nesterov ? momentum : 1.0;
  const wdv = f64x2.splat(weightDecay);
  const muv = f64x2.splat(momentum);
  const cv = f64x2.splat(c);
  const dgv = f64x2.splat(dg);
  const duv = f64x2.splat(du);
  const lrv = f64x2.splat(lr);
  const zero = f64x2.splat(0.0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const p = v128.load(params + o);
    const g = f64x2.add(v128.load(grads + o), f64x2.mul(wdv, p));
    const u = f64x2.add(f64x2.mul(muv, v128.load(velocity + o)), f64x2.mul(cv, g));
    const d = f64x2.add(f64x2.mul(dgv, g), f64x2.mul(duv, u));
    v128.store(velocity + o, u);
    v128.store(params + o, f64x2.sub(p, f64x2.mul(lrv, d)));
    v128.store(grads + o, zero);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const p = load<f64>(params + o);
    const g = load<f64>(grads + o) + weightDecay * p;
    const u = momentum * load<f64>(velocity + o) + c * g;
    const d = dg * g + du * u;
    store<f64>(velocity + o, u);
    store<f64>(params + o, p - lr * d);
    store<f64>(grads + o, 0.0);
  }
}

/** sum_i x[i]^2 (two SIMD lanes summed at the end). */
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f64x2.splat(0.0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const xv = v128.load(x + (<usize>i << 3));
    acc = f64x2.add(acc, f64x2.mul(xv, xv));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    const xv = load<f64>(x + (<usize>i << 3));
    s += xv * xv;
  }
  return s;
}

/** x[i] *= c for i < n. */
export function scaleInPlace(x: usize, n: i32, c: f64): void {
  const cv = f64x2.splat(c);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.mul(v128.load(x + o), cv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(x + o, load<f64>(x + o) * c);
  }
}
