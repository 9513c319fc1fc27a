// Where `amortvi reproduce` keeps a run until it is complete. Next to the
// output folder <out>, the hidden folder .<name>.amortvi-run/ holds
//   run.json        the invocation (experiment, options, settings, data): --resume continues only the same one
//   checkpoints/    one checkpoint file per fit of the run, rewritten atomically as it trains
//   out/            the report being written
// When the report is complete, out/ replaces <out> by renames (the old <out>
// is moved aside first, then removed), so <out> is always one whole run,
// never a mix of two; then the run folder is removed.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { FitResumption, RunCheckpoints } from "../experiments/types.js";
import { checkpointCallback, decodeCheckpoint } from "../train/checkpoint.js";
import { fileWriter, writeFileAtomic } from "../train/node.js";

/** A problem with --out or --resume, worded as "argument: expected ..., received ..." by the caller. */
export class RunFolderError extends Error {
  constructor(
    readonly argument: string,
    readonly expected: string,
    readonly received: string,
    readonly detail?: string,
  ) {
    super(`${argument}: expected ${expected}, received ${received}${detail ? ` (${detail})` : ""}`);
  }
}

/**
 * mkdir -p without Node's recursive mkdir, which loops forever on some
 * special file systems (/proc: mkdir answers ENOENT for a parent that
 * exists): each missing component is created in turn and any error ends it.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  while (!existsSync(d)) {
    missing.unshift(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (existsSync(d) && !statSync(d).isDirectory()) throw new Error(`${d} is not a folder`);
  for (const m of missing) mkdirSync(m);
}

/**
 * A process killed between commit()'s two renames leaves no <out> and the
 * previous run aside as .<name>.amortvi-old-<pid>: put it back (it is whole);
 * older leftovers are removed.
 */
function recoverPrevious(out: string): void {
  const prefix = `.${basename(out)}.amortvi-old-`;
  const aside = readdirSync(dirname(out)).filter((f) => f.startsWith(prefix)).map((f) => join(dirname(out), f));
  if (aside.length === 0) return;
  if (!existsSync(out)) renameSync(aside.shift()!, out);
  for (const a of aside) rmSync(a, { recursive: true, force: true });
}

export interface RunFolder {
  /** The folder the experiment and the report write into (becomes <out>). */
  readonly staging: string;
  readonly checkpoints: RunCheckpoints;
  /** Whether an interrupted run of the same invocation is being continued. */
  readonly resumed: boolean;
  /** Moves the finished report into place and removes the run folder. */
  commit(): void;
}

const slug = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "fit";

/** The run's checkpoints in `dir`: the i-th fit of the run resumes from, and writes, dir/<i>-<label>.ckpt. */
function folderCheckpoints(dir: string, minIntervalMs: number, log: (message: string) => void): RunCheckpoints {
  let index = 0;
  return {
    next(label: string): FitResumption {
      const path = join(dir, `${String(++index).padStart(4, "0")}-${slug(label)}.ckpt`);
      const resume = existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
      if (resume) {
        const f = decodeCheckpoint(resume, path).fit;
        log(`${label}: resuming from its checkpoint at step ${f?.step} of ${f?.totalSteps}`);
      }
      return { resume, callback: checkpointCallback(fileWriter(path), { every: 1, minIntervalMs, atEnd: true }) };
    },
  };
}

/**
 * Prepares the run folder of output folder `out` for `invocation` (a JSON
 * value: experiment, options, settings, data): checks at once that <out> can
 * be written (a RunFolderError naming --out otherwise: an unwritable or
 * special path, a file), then either continues an interrupted run of the
 * same invocation (resume) or starts a new one (an unfinished run is discarded).
 */
export function openRunFolder(
  out: string,
  invocation: unknown,
  { resume, checkpointEveryMs = 1000, log = () => {} }: { resume: boolean; checkpointEveryMs?: number; log?: (message: string) => void },
): RunFolder & { discarded: boolean } {
  const parent = dirname(out);
  const runDir = join(parent, `.${basename(out)}.amortvi-run`);
  try {
    if (existsSync(out) && !lstatSync(out).isDirectory()) throw new Error(`${out} exists and is not a folder`);
    makeFolders(parent);
    recoverPrevious(out);
    mkdirSync(runDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new RunFolderError("--out", "a folder that can be created and written", JSON.stringify(out), (err as Error).message);
  }
  const identity = JSON.stringify(invocation);
  const runFile = join(runDir, "run.json");
  const previous = existsSync(runFile) ? readFileSync(runFile, "utf8").trim() : null;
  if (resume && previous !== null && previous !== identity) {
    throw new RunFolderError("--resume", `the invocation of the unfinished run in ${runDir}`, identity, `it was started as ${previous}; run without --resume to discard it`);
  }
  const resumed = resume && previous === identity;
  const discarded = !resumed && previous !== null;
  const checkpoints = join(runDir, "checkpoints");
  const staging = join(runDir, "out");
  try {
    if (!resumed) rmSync(checkpoints, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(checkpoints, { recursive: true });
    mkdirSync(staging);
    writeFileAtomic(runFile, identity + "\n");
    const probe = join(staging, ".write-test");
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (err) {
    throw new RunFolderError("--out", "a folder that can be created and written", JSON.stringify(out), (err as Error).message);
  }
  return {
    staging,
    resumed,
    discarded,
    checkpoints: folderCheckpoints(checkpoints, checkpointEveryMs, log),
    commit() {
      const old = join(parent, `.${basename(out)}.amortvi-old-${process.pid}`);
      const hadOld = existsSync(out);
      if (hadOld) renameSync(out, old);
      renameSync(staging, out);
      if (hadOld) rmSync(old, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
