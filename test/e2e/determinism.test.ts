// Same seed, same bits, across processes: two child processes run the same
// small fit (a VAE on minibatches, Adam, the aggressive schedule's random
// inner batches) and print every loss and the saved parameters; they must
// agree bit for bit, with threads (a shared-memory pool splitting every
// kernel it can, minWork 0) as without. The saved bytes of one process load
// into another's model.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { load } from "../../src/train/save.js";
import { smallVae } from "../train/helpers.js";

const root = resolve(import.meta.dirname, "../..");
const src = (p: string) => JSON.stringify(join(root, "src", p));
const dir = mkdtempSync(join(tmpdir(), "amortvi-determinism-"));
const bundle = join(dir, "fit.mjs");

// the child: threads from argv[2], then a fit whose every number is printed as the hex of its f64 bits
const program = `
import { initThreads } from ${src("core/threads.ts")};
import { Rng } from ${src("core/rng.ts")};
import { Dataset } from ${src("infer/families/dataset.ts")};
import { elbo } from ${src("infer/objectives/elbo.ts")};
import { vae } from ${src("infer/vae.ts")};
import { fit } from ${src("train/fit.ts")};
import { aggressive } from ${src("train/schedules/aggressive.ts")};
import { save } from ${src("train/save.ts")};
const threads = Number(process.argv[2]);
const rt = threads > 1 ? await initThreads(threads, { minWork: 0, maxMemoryBytes: 256 << 20 }) : null;
const rng = new Rng(1);
const e = rng.normal([300, 3]).toRows();
const rows = e.map(([z, a, b]) => [z + 0.1 * a, Math.sin(2 * z) + 0.1 * b]);
const v = vae({ obsDim: 2, latentDim: 1, hidden: 16, rng: 3 });
const data = new Dataset(rows, { dim: 2 });
const heldOut = new Dataset(rows.slice(0, 60), { dim: 2 });
const r = fit({ model: v.model, guide: v.guide, objective: elbo({ scale: "datapoint" }), data, heldOut, schedule: aggressive({ maxInner: 4, block: 2 }), epochs: 3, batchSize: 30, lr: 3e-3, rng: 5 });
const hex = (x) => Buffer.from(new Float64Array(x).buffer).toString("hex");
const bytes = save({ guide: v.guide, model: [v.decoderParams] });
console.log(JSON.stringify({ steps: r.steps, losses: hex(r.losses), inner: r.schedule.innerSteps, saved: Buffer.from(bytes).toString("base64"), jobs: rt ? rt.threads.jobs : 0 }));
process.exit(0);
`;

beforeAll(async () => {
  const entry = join(dir, "fit.ts");
  writeFileSync(entry, program);
  await build({ entryPoints: [entry], bundle: true, outfile: bundle, format: "esm", platform: "node", logLevel: "silent" });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(threads: number): { steps: number; losses: string; inner: number[]; saved: string; jobs: number } {
  const r = spawnSync(process.execPath, [bundle, String(threads)], { encoding: "utf8", timeout: 120_000 });
  expect(r.error).toBeUndefined();
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim());
}

describe("determinism across processes", () => {
  it("two processes, one thread each: identical losses and saved parameters, bit for bit", () => {
    const a = runChild(1);
    const b = runChild(1);
    expect(a.steps).toBe(30);
    expect(b).toEqual(a);
    // the bytes saved by a child load into this process's model of the same structure
    const v = smallVae(9, 16);
    const cp = load({ guide: v.guide, model: [v.decoderParams] }, new Uint8Array(Buffer.from(a.saved, "base64")));
    expect(Array.from(v.decoderParams.readValues())).toEqual(Array.from(cp.params.model[0]));
  }, 180_000);

  it("with a two-thread pool splitting every kernel it can: the same bits as one thread", () => {
    const { jobs: none, ...one } = runChild(1);
    const { jobs, ...two } = runChild(2);
    expect(none).toBe(0);
    expect(jobs).toBeGreaterThan(100); // the pool did split the run's kernels
    expect(two).toEqual(one);
  }, 180_000);
});
