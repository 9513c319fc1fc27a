// Plain-JS variates for the task simulators and reference samplers, drawn from
// the project's Philox Rng in blocks (one Wasm call per block, not per number).
import { DomainError, assertInteger } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";

/** n uniforms in [0, 1) from rng (one Wasm fill). */
export function uniforms(rng: Rng, n: number): Float64Array<ArrayBufferLike> {
  return fill(rng, n, false);
}

/** n standard normals from rng (one Wasm fill). */
export function normals(rng: Rng, n: number): Float64Array<ArrayBufferLike> {
  return fill(rng, n, true);
}

function fill(rng: Rng, n: number, normal: boolean): Float64Array<ArrayBufferLike> {
  assertInteger("n", n, 0);
  if (n === 0) return new Float64Array(0);
  const a = rng.rt.arena;
  const mark = a.mark();
  const ptr = a.alloc(8 * n);
  if (normal) rng.fillNormal(ptr, n);
  else rng.fillUniform(ptr, n);
  const out = rng.rt.f64.slice(ptr / 8, ptr / 8 + n);
  a.restore(mark);
  return out;
}

/**
 * A stream of uniforms and normals for samplers with a data-dependent number
 * of draws (rejection, inversion): refills `block` numbers at a time from
 * rng, so the sequence is a deterministic function of rng's seed.
 */
export class RandomStream {
  private u: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private ui = 0;
  private z: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private zi = 0;

  constructor(
    readonly rng: Rng,
    readonly block = 4096,
  ) {
    assertInteger("block", block, 1);
  }

  uniform(): number {
    if (this.ui >= this.u.length) {
      this.u = uniforms(this.rng, this.block);
      this.ui = 0;
    }
    return this.u[this.ui++];
  }

  normal(): number {
    if (this.zi >= this.z.length) {
      this.z = normals(this.rng, this.block);
      this.zi = 0;
    }
    return this.z[this.zi++];
  }
}

/** log C(n, k) = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1). */
export function logBinomialCoefficient(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** log Gamma(x), x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15; Numerical Recipes 3rd ed. sec. 6.1). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const xm = x - 1;
  let a = c[0];
  const t = xm + g + 0.5;
  for (let i = 1; i < 9; i++) a += c[i] / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * One Binomial(n, p) draw by inversion over the outcomes ordered from the
 * mode outwards (mode, mode + 1, mode - 1, ...): any fixed order of the
 * support gives an exact inverse-transform sampler, and this one needs
 * O(sqrt(n p (1 - p))) pmf updates (Kemp 1986's idea; the pmf recursions
 * P(k+1) = P(k) (n-k) p / ((k+1) q), P(k-1) = P(k) k q / ((n-k+1) p)).
 */
export function binomial(stream: RandomStream, n: number, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new DomainError("p", "a probability in [0, 1]", String(p));
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  const q = 1 - p;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const pMode = Math.exp(logBinomialCoefficient(n, mode) + mode * Math.log(p) + (n - mode) * Math.log(q));
  let u = stream.uniform() - pMode;
  if (u < 0) return mode;
  const odds = p / q;
  let up = mode;
  let pUp = pMode;
  let down = mode;
  let pDown = pMode;
  while (up < n || down > 0) {
    if (up < n) {
      pUp *= ((n - up) / (up + 1)) * odds;
      up++;
      u -= pUp;
      if (u < 0) return up;
    }
    if (down > 0) {
      pDown *= down / ((n - down + 1) * odds);
      down--;
      u -= pDown;
      if (u < 0) return down;
    }
  }
  return mode; // the pmf summed to 1 - u up to rounding (u < 1e-12): the leftover mass is the mode's
}

/**
 * One draw of Z ~ N(0, 1) truncated to [a, b] (a < b, either may be infinite)
 * by Robert (1995), "Simulation of truncated normal variables", Stat. Comput. 5:
 * normal rejection when [a, b] holds the centre and is wide, uniform
 * rejection (acceptance exp((m^2 - z^2) / 2), m the point of [a, b] nearest
 * 0) when it is short, and the translated-exponential proposal of rate
 * (a + sqrt(a^2 + 4)) / 2 in a one-sided tail. Every branch accepts at least
 * ~0.3 of its proposals, so no observation makes it hang.
 */
export function truncatedNormal(stream: RandomStream, a: number, b: number): number {
  if (!(a < b)) throw new DomainError("b", `a bound above a = ${a}`, String(b));
  if (b <= 0) return -truncatedNormal(stream, -b, -a);
  if (a < 0) {
    // [a, b] contains 0
    if (b - a >= 2.5 || !Number.isFinite(b - a)) {
      for (;;) {
        const z = stream.normal();
        if (z >= a && z <= b) return z;
      }
    }
    for (;;) {
      const z = a + (b - a) * stream.uniform();
      if (stream.uniform() < Math.exp(-0.5 * z * z)) return z;
    }
  }
  // 0 <= a < b: the right tail
  if (a < 0.5 && b - a > 2.5) {
    for (;;) {
      const z = Math.abs(stream.normal());
      if (z >= a && z <= b) return z;
    }
  }
  if (a * (b - a) <= 1) {
    for (;;) {
      const z = a + (b - a) * stream.uniform();
      if (stream.uniform() < Math.exp(0.5 * (a * a - z * z))) return z;
    }
  }
  const rate = (a + Math.sqrt(a * a + 4)) / 2;
  for (;;) {
    const z = a - Math.log(1 - stream.uniform()) / rate;
    if (z <= b && stream.uniform() < Math.exp(-0.5 * (z - rate) ** 2)) return z;
  }
}

/** Phi(z), the standard Normal CDF, as erfc(-z / sqrt 2) / 2 (see erfc). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * erfc(x) to ~1e-15 relative: the Maclaurin series of erf for |x| < 2, the
 * continued fraction erfc(x) = e^{-x^2} / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))
 * (Abramowitz & Stegun 7.1.14, evaluated by the modified Lentz method) for x >= 2.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0;
  // f = x + a1 / (x + a2 / (x + ...)), a_k = k / 2
  const tiny = 1e-300;
  let f = x;
  let C = f;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = x + a / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
