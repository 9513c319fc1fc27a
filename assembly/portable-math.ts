// Scalar transcendental functions for the JavaScript side of a training step
// (learning-rate schedules, a distribution's log-scale from a number, log K).
// JS Math.exp / log / pow / cos are implementation-approximated (ECMA-262
// 21.3.2.*): Node 20's V8 11.3 and Chromium 156 disagree in the last bit on
// 3-10% of inputs (measured over 20,000 inputs each, see test/browser), so a
// schedule computed with Math.cos gave a note-1 fit different bits in a page.
// AssemblyScript's Math is a libm (a musl port) compiled into this module:
// plain IEEE f64 arithmetic, the same bits in every engine.

/** cos(x) */
export function mathCos(x: f64): f64 {
  return Math.cos(x);
}

/** e^x */
export function mathExp(x: f64): f64 {
  return Math.exp(x);
}

/** ln(x) */
export function mathLog(x: f64): f64 {
  return Math.log(x);
}

/** x^y */
export function mathPow(x: f64, y: f64): f64 {
  return Math.pow(x, y);
}
