// The exact -ELBO that avi-hmm / avi-gp record beside the Monte Carlo estimate
// (meanFieldNegElbo = KL(q || p(z | x)) - log p(x)) against a Monte Carlo
// estimate with many draws from q, with the chain's log joint written out.
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { meanFieldNegElbo } from "../../src/experiments/avi/impossibility-analysis.js";
import { gaussianHmmPosterior, gaussianHmmSettings } from "../../src/experiments/avi/models/gaussian-hmm.js";

const logNormal = (x: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI * s * s) - ((x - m) ** 2) / (2 * s * s);

describe("meanFieldNegElbo (avi-hmm)", () => {
  it("equals E_q[log q(z) - log p(x, z)] estimated with 200,000 draws (within 4 standard errors)", () => {
    const N = 8;
    const [s0, st, s] = [1.2, 0.7, 0.9];
    const settings = gaussianHmmSettings({ N, initialStd: s0, transitionStd: st, noiseStd: s });
    const x = [0.4, 1.1, 0.3, -0.8, -1.5, -0.2, 0.9, 1.7];
    const post = gaussianHmmPosterior(settings, x);
    const m = Array.from(post.mean, (v, n) => v + 0.3 * Math.sin(n));
    const sd = Array.from(post.meanFieldStd, (v, n) => v * (0.7 + 0.1 * n));
    const exact = meanFieldNegElbo(post, m, sd).negElbo;
    const M = 200_000;
    const eps = new Rng(9).normal([M, N], "persistent");
    const e = eps.toFloat64Array();
    eps.dispose();
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < M; k++) {
      let v = 0;
      let prev = 0;
      for (let n = 0; n < N; n++) {
        const z = m[n] + sd[n] * e[k * N + n];
        v += logNormal(z, m[n], sd[n]) - logNormal(z, prev, n === 0 ? s0 : st) - logNormal(x[n], z, s);
        prev = z;
      }
      sum += v;
      sq += v * v;
    }
    const mean = sum / M;
    const se = Math.sqrt((sq / M - mean * mean) / M);
    expect(se).toBeLessThan(0.02);
    expect(Math.abs(exact - mean)).toBeLessThan(4 * se);
  });
});
