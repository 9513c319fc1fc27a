// The benchmark workloads. gemm shapes are M x K x N (C[M,N] = A[M,K] B[K,N]);
// VAE sizes are data dim D, hidden H, latent Z, batch B. Kinds: gemm, vae
// (timed rounds), qp (one timed full fit), avi (timed rounds, wall time of
// the full run extrapolated), maf (a MAF maximum-likelihood step: dims D,
// layers, MADE hidden width, context embedding E, batch B; timed rounds),
// flow (a coupling-flow maximum-likelihood step, timed rounds), memory
// (100,000 steps, memory before / after).

const gemm = (m, k, n, note, threads = false) => ({ name: `gemm-${m}x${k}x${n}`, kind: "gemm", unit: "GFLOP/s", m, k, n, note, threads });
const vae = (name, d, h, z, b, threads = false) => ({ name, kind: "vae", unit: "steps/s", d, h, z, b, threads, label: `VAE D${d} H${h} Z${z} B${b}` });

const qpFit = (steps) => ({ name: "qp-note1", kind: "qp", unit: "steps/s", steps, label: `note-1 qp fit, ${steps} steps, B1` });
const avi = (n, m, k, steps, standIn) => ({
  name: standIn ? "avi-standin" : "avi-nonlinear", kind: "avi", unit: "steps/s", n, m, k, steps, standIn,
  label: `avi-nonlinear step N${n} M${m} k${k}${standIn ? " (tanh/sigmoid for sin/cos)" : ""}`,
});
const mafStep = (d, layers, hidden, embedding, b) => ({
  name: `maf-step-${d}d`, kind: "maf", unit: "steps/s", d, layers, hidden, embedding, b,
  label: `MAF step D${d} L${layers} H${hidden} E${embedding} B${b}`,
});
const flow = (kind, dim) => ({
  name: `flow-${kind}-${dim}d`, kind: "flow", unit: "steps/s", flow: kind, dim, layers: 8, hidden: 64, batch: 256, bins: 8,
  label: `${kind === "realnvp" ? "RealNVP" : "spline flow K8"} step D${dim} L8 H64x2 B256`,
});
const memory = (steps) => ({ ...vae("memory-100k", 10, 50, 2, 100), kind: "memory", steps, label: `VAE D10 H50 Z2 B100, ${steps} steps` });

export const SCENARIOS = [
  gemm(128, 784, 256, "MNIST encoder layer", true), // threads: also measured with initThreads(2)
  gemm(100, 10, 50, "small"),
  gemm(128, 256, 16, "narrow N=16"),
  gemm(100, 50, 2, "narrow N=2"),
  vae("vae-small", 10, 50, 2, 100),
  vae("vae-mnist", 784, 256, 16, 128, true),
  qpFit(20000),
  avi(10000, 100, 32, 20000, false),
  avi(10000, 100, 32, 20000, true),
  mafStep(10, 5, 64, 8, 256),
  flow("realnvp", 2),
  flow("realnvp", 10),
  flow("nsf", 2),
  flow("nsf", 10),
  memory(100000),
];

/** The scaling table (`node bench/run.mjs scaling`): the small VAE step as B doubles (H = 50) and as H doubles (B = 100). */
export const SCALING = [
  ...[32, 64, 128, 256, 512, 1024].map((b) => ({ ...vae(`scale-B${b}`, 10, 50, 2, b), kind: "scaling", axis: "B" })),
  ...[16, 32, 64, 128, 256, 512, 1024].map((h) => ({ ...vae(`scale-H${h}`, 10, h, 2, 100), kind: "scaling", axis: "H" })),
];

/** Scenario by name, including the scaling points. */
export const findScenario = (name) => [...SCENARIOS, ...SCALING].find((x) => x.name === name);


/** Scenarios matching the command-line selectors (exact name or prefix, e.g. "gemm"; "scaling" = every scale-* point); all when none. */
export function selectScenarios(selectors) {
  const all = [...SCENARIOS, ...SCALING];
  if (selectors.length === 0) return all;
  const wanted = selectors.map((sel) => (sel === "scaling" ? "scale-" : sel));
  const picked = all.filter((s) => wanted.some((sel) => s.name === sel || s.name.startsWith(sel)));
  if (picked.length === 0) {
    throw new Error(`unknown scenario ${JSON.stringify(selectors)}; expected one of ${SCENARIOS.map((s) => s.name).join(", ")}, scaling (or a prefix such as "gemm")`);
  }
  return picked;
}

export const flopOf = (s) => 2 * s.m * s.k * s.n;
