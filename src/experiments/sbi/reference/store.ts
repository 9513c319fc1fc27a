// Where MCMC reference posteriors are kept between runs: one JSON file per
// (task, observation) with the samples and everything that made them
// (observation, seed, sampler settings, diagnostics), written on first use.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { McmcSettings } from "./mcmc.js";

/** The contents of data/sbi-reference/<task>/obs-<i>.json. */
export interface ReferenceFile {
  task: string;
  observation: number;
  /** The observation the samples condition on (a changed simulator invalidates the file). */
  x: number[];
  method: string;
  /** Seed of the sampler's Rng (and the stream forked from it). */
  seed: number;
  stream: number;
  settings: McmcSettings;
  diagnostics: { rhat: number[]; essBulk: number[]; acceptance: number; evaluations: number; drawsPerChain: number; seconds: number };
  /** Posterior draws [n][dimTheta], in random order. */
  samples: number[][];
}

export interface ReferenceStore {
  read(task: string, observation: number): ReferenceFile | null;
  write(file: ReferenceFile): void;
}

/** The default folder: data/sbi-reference under the working directory. */
export const DEFAULT_REFERENCE_DIR = join("data", "sbi-reference");

/** A store of JSON files under `dir`/<task>/obs-<i>.json (written atomically: a temporary file, then rename). */
export function fileReferenceStore(dir: string = join(process.cwd(), DEFAULT_REFERENCE_DIR)): ReferenceStore {
  const path = (task: string, observation: number) => join(dir, task, `obs-${observation}.json`);
  return {
    read(task, observation) {
      const p = path(task, observation);
      if (!existsSync(p)) return null;
      return JSON.parse(readFileSync(p, "utf8")) as ReferenceFile;
    },
    write(file) {
      const p = path(file.task, file.observation);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(`${p}.tmp`, JSON.stringify(file));
      renameSync(`${p}.tmp`, p);
    },
  };
}

/** A store in memory (tests, or a run that must not touch the disk). */
export function memoryReferenceStore(): ReferenceStore & { files: Map<string, ReferenceFile> } {
  const files = new Map<string, ReferenceFile>();
  return {
    files,
    read: (task, observation) => files.get(`${task}/${observation}`) ?? null,
    write: (file) => void files.set(`${file.task}/${file.observation}`, file),
  };
}
