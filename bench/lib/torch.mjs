// PyTorch peer: runs bench/peers/*.py in a child process when `import torch`
// works (Debian python3-torch runs under /usr/bin/python3). Optional: nothing
// in the project depends on it.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const PEERS = fileURLToPath(new URL("../peers/", import.meta.url));
const CANDIDATES = ["/usr/bin/python3", "python3"];
export const TORCH_COLUMNS = ["torch-1t", "torch-1t-f64", "torch-Nt"];

let cached;

/** The first python that can `import torch`, or null. */
export function findTorchPython() {
  if (cached !== undefined) return cached;
  cached = null;
  for (const py of CANDIDATES) {
    try {
      execFileSync(py, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
      cached = py;
      break;
    } catch {
      // not this one
    }
  }
  return cached;
}

const ONE_THREAD_ENV = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

function runPeer(py, script, args, mode) {
  const env = { ...process.env };
  for (const key of Object.keys(ONE_THREAD_ENV)) delete env[key];
  // Debian's torch calls the system BLAS (OpenBLAS when libopenblas0-pthread is
  // installed), whose thread pool torch.set_num_threads does not control.
  if (mode === "1t") Object.assign(env, ONE_THREAD_ENV);
  const out = execFileSync(py, [script, ...args.map(String), mode], { cwd: PEERS, env, encoding: "utf8", timeout: 600_000 });
  return JSON.parse(out.trim().split("\n").pop());
}

/** Runs the torch peer for scenario s (one process per thread mode); returns {column: stats, meta} or {status, error}. */
export function runTorch(s) {
  const py = findTorchPython();
  if (!py) return { status: "not installed" };
  const [script, args] = {
    gemm: ["gemm.py", [s.m, s.k, s.n]],
    vae: ["vae_step.py", [s.d, s.h, s.z, s.b]],
    qp: ["qp_fit.py", [s.steps]],
    avi: ["avi_step.py", [s.n, s.m, s.k, s.steps, s.standIn ? "standin" : "sincos"]],
    maf: ["maf_step.py", [s.d, s.layers, s.hidden, s.embedding, s.b]],
    flow: ["flow_step.py", [s.flow, s.dim, s.layers, s.hidden, s.batch, s.bins]],
  }[s.kind];
  try {
    const one = runPeer(py, script, args, "1t");
    const all = runPeer(py, script, args, "Nt");
    return { ...one, ...all, meta: { oneThread: one.meta, allThreads: all.meta } };
  } catch (err) {
    return { status: "error", error: String(err.message ?? err).slice(0, 300) };
  }
}
