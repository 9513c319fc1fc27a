// numpy's legacy RandomState(seed).randn, reproduced bit for bit: the
// Bernoulli GLM task's input stimulus is defined as
// float32(np.random.RandomState(42).randn(100)) (sbibm tasks/bernoulli_glm/task.py),
// so the task's design matrix is regenerated exactly rather than read from
// sbibm's stored .pt file. Used for that fixed input only; every random draw
// of the simulators comes from the project's Rng.
import { assertInteger } from "../../core/errors.js";

const N = 624;
const M = 397;

/** The Mersenne Twister MT19937 (Matsumoto & Nishimura 1998), seeded as numpy's mt19937_seed (init_genrand). */
export class MersenneTwister {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    assertInteger("seed", seed, 0);
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.mt[i] = s;
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) >>> 0;
    }
  }

  /** The next 32-bit output (genrand_int32). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
        mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (numpy's legacy random_sample). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

/**
 * n standard normals as numpy's RandomState(seed).randn(n) returns them:
 * Marsaglia's polar method on MT19937 doubles, the second value of each pair
 * first (numpy's legacy_gauss).
 */
export function numpyRandn(seed: number, n: number): Float64Array {
  assertInteger("n", n, 0);
  const mt = new MersenneTwister(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * mt.nextDouble() - 1;
      x2 = 2 * mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    out[i] = f * x2;
    if (i + 1 < n) out[i + 1] = f * x1;
  }
  return out;
}
