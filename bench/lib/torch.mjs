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

/** Runs the torch peer for scenario s; returns {column: stats} or {error}. */
export function runTorch(s) {
  const py = findTorchPython();
  if (!py) return { status: "not installed" };
  const [script, args] = s.kind === "gemm" ? ["gemm.py", [s.m, s.k, s.n]] : ["vae_step.py", [s.d, s.h, s.z, s.b]];
  try {
    const out = execFileSync(py, [script, ...args.map(String)], { cwd: PEERS, encoding: "utf8", timeout: 600_000 });
    return JSON.parse(out.trim().split("\n").pop());
  } catch (err) {
    return { status: "error", error: String(err.message ?? err).slice(0, 300) };
  }
}
