/**
 * The contract between an experiment (one reproducible study, e.g. "note-1")
 * and whoever runs it: the CLI, a test, or a user script. An experiment
 * computes numbers and describes its figures; writing files is the runner's
 * job (src/report), so the same experiment runs in a test without touching
 * the disk.
 */
import type { DataTable } from "../data/table.js";
import type { FitCallback } from "../train/fit.js";

/** A setting's value: one number, a list of numbers, or a list of names. */
export type SettingValue = number | readonly number[] | readonly string[];

/** number: any finite real; integer; numbers / integers: comma-separated lists; names: a list from `choices`. */
export type SettingType = "number" | "integer" | "numbers" | "integers" | "names";

/**
 * One model or study setting a user may change (`amortvi reproduce <name> --set name=value`,
 * or `settings: { name: value }` from code). Bounds apply to each entry of a list.
 */
export interface SettingSpec {
  name: string;
  /** What it is, with its symbol in the study's formulas, e.g. "observation noise s of x_n ~ N(theta + tau z_n, s^2)". */
  description: string;
  type: SettingType;
  /** Default of the full run, or { full, quick } when the quick variant uses another value. */
  default: SettingValue | { full: SettingValue; quick: SettingValue };
  /** Lower bound (inclusive unless exclusiveMin). */
  min?: number;
  /** The lower bound is strict (value > min): scales, standard deviations. */
  exclusiveMin?: boolean;
  /** Upper bound (inclusive). */
  max?: number;
  /** Allowed names (type "names"). */
  choices?: readonly string[];
  /** Required list length (numbers / integers / names). */
  length?: number;
  /** A further check of the parsed value (odd widths, weights summing to 1, ...); throws an AmortviError naming `argument`. */
  check?: (value: SettingValue, argument: string) => void;
}

/** The default of `spec` for a full or quick run (the contract's one rule, shared by the runner and the report writer). */
export function settingDefault(spec: SettingSpec, quick: boolean): SettingValue {
  const d = spec.default;
  return typeof d === "object" && !Array.isArray(d) && "full" in d ? (quick ? d.quick : d.full) : (d as SettingValue);
}

/** What a study does with `--data <file>` (a table read by src/data/readers.ts) and the layout it needs. */
export interface DataSpec {
  /** What the rows are and what the study does with them, e.g. "observations x_n, one per row: replace the simulated data". */
  description: string;
  /** Number of columns a row must have. */
  columns: number;
  minRows?: number;
  maxRows?: number;
  /** Settings the data determines (e.g. N = the number of rows): setting them too is an error. */
  replaces?: readonly string[];
}

/** Where a run's data came from, for results.json. */
export interface DataSource {
  /** Absolute path of the file. */
  path: string;
  /** sha256 of its bytes, hex. */
  sha256: string;
  format: string;
}

/** Options every experiment accepts (`amortvi reproduce <name> [--quick] [--seed n] [--out dir] [--iterations n]`). */
export interface RunOptions {
  /** A small, fast variant (seconds) that still shows the qualitative result; used by tests. */
  quick: boolean;
  /** Seed of every random stream the experiment uses: same seed, same numbers. */
  seed: number;
  /** Folder for the experiment's outputs; it exists when run() is called (the CLI's staging folder, renamed to --out when the run is complete). */
  outDir: string;
  /**
   * Optimizer steps of each run of the study's main training loop (per method, loss and
   * seed); each study says in its `iterations` field what it counts. Default: the study's.
   */
  iterations?: number;
  /** Settings given by the user (validated, see Experiment.settings); the others take their defaults. */
  settings?: Readonly<Record<string, SettingValue>>;
  /** The user's data (layout: Experiment.data), replacing the study's simulated data or test points. */
  data?: DataTable;
  /** The file `data` was read from, recorded in results.json. */
  dataSource?: DataSource;
}

/**
 * Progress of a long loop. `start(total, label)` opens a phase of `total`
 * units, `tick(n, metrics?)` ADVANCES by n units (not an absolute position)
 * and shows the latest metrics (e.g. { loss: 1.23 }), `stop()` closes the phase.
 */
export interface ProgressReporter {
  start(total: number, label: string): void;
  tick(n: number, metrics?: Record<string, number>): void;
  stop(): void;
}

/** A fit's part in a checkpointed run: the checkpoint to resume it from, if its run was interrupted, and the callback that checkpoints it. */
export interface FitResumption {
  resume?: Uint8Array;
  callback: FitCallback;
}

/**
 * Checkpoints of a run's fits (`amortvi reproduce --resume`): a study asks
 * for the next fit's, in the run's order, and passes them to fit({ resume,
 * callbacks }). Only fits whose callbacks keep their state in the checkpoint
 * (getState / setState) may take part: a resumed fit then ends exactly as the
 * uninterrupted one.
 */
export interface RunCheckpoints {
  next(label: string): FitResumption;
}

/** What the runner hands to an experiment besides its options. */
export interface RunContext {
  progress: ProgressReporter;
  /** One line of human-readable log (not for numbers that belong in the results). */
  log(message: string): void;
  /** Checkpoints for the run's fits (the CLI's); absent: fits are not checkpointed. */
  checkpoints?: RunCheckpoints;
}

/**
 * A figure the runner renders to `<name>.svg`: a Vega-Lite specification
 * (see src/report/plots.ts for helpers that build the common ones).
 */
export interface FigureSpec {
  /** File stem, e.g. "params-vs-iteration" (letters, digits, '-', '_'). */
  name: string;
  /** Caption shown in the HTML report. */
  title: string;
  /** A Vega-Lite top-level specification. */
  spec: Record<string, unknown>;
}

/** What an experiment returns. */
export interface ExperimentResult {
  /** The numbers a reader looks at first (shown as a table in index.html), e.g. { "a (qp)": 0.5 }. */
  headline: Record<string, number | string>;
  /** Everything else worth keeping (series, per-seed values, settings); written to results.json. */
  data?: Record<string, unknown>;
  /** Figures to render as SVG and embed in index.html. */
  figures?: FigureSpec[];
  /** Sentences for the report: what was expected, what was seen. */
  notes?: string[];
}

/** One reproducible study, registered by name. */
export interface Experiment {
  /** CLI name, e.g. "note-1", "avi-linear", "mapa-spiral". */
  name: string;
  /** One line: what it reproduces. */
  title: string;
  /** A paragraph: the model, the methods compared, what the result should show. */
  description: string;
  /** The settings `--set` may change; none if absent. */
  settings?: readonly SettingSpec[];
  /** What `--data` gives the study; absent: the study takes no data. */
  data?: DataSpec;
  /**
   * What `--iterations n` sets in this study (e.g. "Adam steps per method and seed; default 1000,
   * quick 600"), or { unsupported: why, and which --set to use instead }.
   */
  iterations?: string | { unsupported: string };
  /**
   * Checks across settings and data once each is valid (e.g. window widths <= the series length);
   * throws an AmortviError whose argument is `label(setting name)` or `label("data")`.
   */
  validate?(settings: StudySettings, data: DataTable | undefined, label: (name: string) => string): void;
  run(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult>;
}

/** Resolved settings of a run: every declared setting with its value, and which ones the user gave. */
export interface StudySettings {
  readonly values: Readonly<Record<string, SettingValue>>;
  /** Names the user set explicitly. */
  readonly given: ReadonlySet<string>;
  number(name: string): number;
  numbers(name: string): number[];
  names(name: string): string[];
}
