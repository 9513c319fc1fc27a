// The benchmark workloads. gemm shapes are M x K x N (C[M,N] = A[M,K] B[K,N]);
// VAE sizes are data dim D, hidden H, latent Z, batch B.

const gemm = (m, k, n, note) => ({ name: `gemm-${m}x${k}x${n}`, kind: "gemm", unit: "GFLOP/s", m, k, n, note });
const vae = (name, d, h, z, b) => ({ name, kind: "vae", unit: "steps/s", d, h, z, b, label: `VAE D${d} H${h} Z${z} B${b}` });

export const SCENARIOS = [
  gemm(128, 784, 256, "MNIST encoder layer"),
  gemm(100, 10, 50, "small"),
  gemm(128, 256, 16, "narrow N=16"),
  gemm(100, 50, 2, "narrow N=2"),
  vae("vae-small", 10, 50, 2, 100),
  vae("vae-mnist", 784, 256, 16, 128),
];

/** Scenarios matching the command-line selectors (exact name or prefix, e.g. "gemm"); all when none. */
export function selectScenarios(selectors) {
  if (selectors.length === 0) return SCENARIOS;
  const picked = SCENARIOS.filter((s) => selectors.some((sel) => s.name === sel || s.name.startsWith(sel)));
  if (picked.length === 0) {
    throw new Error(`unknown scenario ${JSON.stringify(selectors)}; expected one of ${SCENARIOS.map((s) => s.name).join(", ")} (or a prefix such as "gemm")`);
  }
  return picked;
}

export const flopOf = (s) => 2 * s.m * s.k * s.n;
