// Elementwise unary ops: forward y = f(x) and backward dx += dy * f'(x),
// written with the output y where f' is cheaper from it.

/** y = tanh(x) */
export function tanhForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, Math.tanh(load<f64>(x + o)));
  }
}

/** dx += dy * (1 - y^2) */
export function tanhBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  const one = f64x2.splat(1.0);
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const yv = v128.load(y + o);
    const d = f64x2.mul(v128.load(dy + o), f64x2.sub(one, f64x2.mul(yv, yv)));
    v128.store(dx + o, f64x2.add(v128.load(dx + o), d));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const yv = load<f64>(y + o);
    store<f64>(dx + o, load<f64>(dx + o) + load<f64>(dy + o) * (1.0 - yv * yv));
  }
}
