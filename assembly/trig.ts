// Elementwise sine and cosine with accumulating backward (the avi-nonlinear
// model's z sin z and exp(cos z) noise scale).
import { at } from "./scalar";

/** y = sin(x) */
export function sinForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(at(y, i), Math.sin(load<f64>(at(x, i))));
}

/** dx += dy * cos(x) */
export function sinBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * Math.cos(load<f64>(at(x, i))));
}

/** y = cos(x) */
export function cosForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(at(y, i), Math.cos(load<f64>(at(x, i))));
}

/** dx -= dy * sin(x) */
export function cosBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(at(dx, i), load<f64>(at(dx, i)) - load<f64>(at(dy, i)) * Math.sin(load<f64>(at(x, i))));
}
