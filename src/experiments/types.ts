/**
 * The contract between an experiment (one reproducible study, e.g. "note-1")
 * and whoever runs it: the CLI, a test, or a user script. An experiment
 * computes numbers and describes its figures; writing files is the runner's
 * job (src/report), so the same experiment runs in a test without touching
 * the disk.
 */

/** Options every experiment accepts (`amortvi reproduce <name> [--quick] [--seed n] [--out dir] [--iterations n]`). */
export interface RunOptions {
  /** A small, fast variant (seconds) that still shows the qualitative result; used by tests. */
  quick: boolean;
  /** Seed of every random stream the experiment uses: same seed, same numbers. */
  seed: number;
  /** Folder for the experiment's outputs; it exists when run() is called. */
  outDir: string;
  /** Overrides the number of training iterations of the main loop(s). */
  iterations?: number;
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

/** What the runner hands to an experiment besides its options. */
export interface RunContext {
  progress: ProgressReporter;
  /** One line of human-readable log (not for numbers that belong in the results). */
  log(message: string): void;
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
  run(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult>;
}
