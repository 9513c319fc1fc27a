import { join, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { AmortviError, UnknownNameError } from "../core/errors.js";
import { readDataFile } from "../data/readers.js";
import { getExperiment, listExperiments } from "../experiments/index.js";
import { parseSetArguments, prepareRun } from "../experiments/settings.js";
import type { Experiment, RunOptions } from "../experiments/types.js";
import { formatValue } from "../report/html.js";
import { amortviVersion } from "../report/provenance.js";
import { loadVega, MissingDependencyError } from "../report/render.js";
import { writeReport } from "../report/write.js";
import { describeExperiment } from "./describe.js";
import { consoleContext, type OutputStream } from "./progress.js";
import { openRunFolder, RunFolderError } from "./run-folder.js";

/** Exit codes: 0 success, 1 the experiment failed, 2 bad invocation. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Streams the CLI writes to: results on stdout, progress and errors on stderr. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
}

/** A problem with the command line itself (exit code 2); the message names the flag. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }

  /** "argument: expected ..., received ... (detail)", as AmortviError words it. */
  static of(argument: string, expected: string, received: string, detail?: string): UsageError {
    return new UsageError(new AmortviError(argument, expected, received, detail).message);
  }
}

const EXAMPLES = `
Examples:
  $ amortvi list                                  # the experiments that can be reproduced
  $ amortvi reproduce note-1 --quick              # a fast run (seconds), same qualitative result
  $ amortvi reproduce note-1                      # the full run, outputs in ./amortvi-out/note-1/
  $ amortvi reproduce avi-linear --seed 3 --out results/avi-linear
  $ amortvi reproduce note-2 --iterations 5000    # Adam steps of each training run (per study: amortvi describe)
  $ amortvi describe avi-linear                   # a study's settings, data layout and defaults
  $ amortvi reproduce note-1 --set mu0=-1.5 --set s=2.2
  $ amortvi reproduce avi-linear --data x.csv     # the study on your data (CSV, JSON or .npy)

Each run writes <out>/results.json (numbers, every setting's value, the data
file's path and sha256, the amortvi version and git commit), one <figure>.svg per
figure and <out>/index.html (headline table and figures). A run is written in
the hidden folder .<out>.amortvi-run/ next to <out> and renamed into place when
complete, so <out> always holds one whole run; an interrupted run (Ctrl-C, a
kill) keeps its checkpoints there, and the same command with --resume
continues it to the results of an uninterrupted run (studies whose fits are
checkpointed: note-1, note-2, note-3, avi-linear, avi-nonlinear and avi-saw;
any other study reruns from the start, to the same results).

Exit codes: 0 success, 1 the experiment failed, 2 bad invocation (unknown
experiment, unknown setting, invalid option value, data of the wrong shape or
unreadable, output folder not writable, vega / vega-lite not installed).`;

function integerOption(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} expects an integer >= ${min}, received ${JSON.stringify(value)}.`);
    }
    return n;
  };
}

function secondsOption(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} expects a number of seconds >= 0, received ${JSON.stringify(value)}.`);
    return n;
  };
}

/** The run folder of `outDir` (run-folder.ts), its problems as usage errors (exit 2) naming --out or --resume. */
function runFolderOf(outDir: string, invocation: unknown, resume: boolean, checkpointEveryMs: number, log: (message: string) => void): ReturnType<typeof openRunFolder> {
  try {
    return openRunFolder(outDir, invocation, { resume, checkpointEveryMs, log });
  } catch (err) {
    if (err instanceof RunFolderError) throw UsageError.of(err.argument, err.expected, err.received, err.detail);
    throw err;
  }
}

/** getExperiment, with an unknown name turned into a usage error (exit 2) that points to `amortvi list`. */
function findExperiment(name: string) {
  try {
    return getExperiment(name);
  } catch (err) {
    if (err instanceof UnknownNameError) throw UsageError.of(err.argument, err.expected, err.received, "run `amortvi list`");
    throw err;
  }
}

function listText(): string {
  const all = listExperiments();
  if (all.length === 0) return "No experiments are registered in this build.\n";
  const width = Math.max(...all.map((e) => e.name.length));
  return all.map((e) => `  ${e.name.padEnd(width)}  ${e.title}`).join("\n") + "\n";
}

interface ReproduceFlags {
  quick?: boolean;
  seed: number;
  out?: string;
  iterations?: number;
  set?: string[];
  data?: string;
  resume?: boolean;
  checkpointEvery: number;
}

/** The run options from the flags, every check done (settings, data, iterations); a UsageError naming the flag otherwise. */
function runOptionsOf(experiment: Experiment, flags: ReproduceFlags, outDir: string): RunOptions {
  try {
    const settings = parseSetArguments(flags.set ?? [], experiment);
    let data;
    if (flags.data !== undefined) {
      try {
        data = readDataFile(flags.data);
      } catch (err) {
        if (err instanceof AmortviError) throw new UsageError(`--data: ${err.message}`);
        throw err;
      }
    }
    return prepareRun(
      experiment,
      {
        quick: flags.quick ?? false,
        seed: flags.seed,
        outDir,
        iterations: flags.iterations,
        settings,
        data: data?.table,
        dataSource: data ? { path: data.path, sha256: data.sha256, format: data.format } : undefined,
      },
      "cli",
    );
  } catch (err) {
    if (err instanceof AmortviError) throw new UsageError(`${err.message} (run \`amortvi describe ${experiment.name}\`)`);
    throw err;
  }
}

/** The report's renderer (vega, vega-lite: optional peer dependencies) is loaded before the study runs, not after its training. */
async function requireRenderer(): Promise<void> {
  try {
    await loadVega();
  } catch (err) {
    if (err instanceof MissingDependencyError) throw new UsageError(err.message);
    throw err;
  }
}

async function reproduce(name: string, flags: ReproduceFlags, io: CliIo): Promise<void> {
  const experiment = findExperiment(name);
  const outDir = resolve(flags.out ?? join("amortvi-out", name));
  const requested = runOptionsOf(experiment, flags, outDir);
  const invocation = {
    experiment: name,
    amortvi: amortviVersion(),
    quick: requested.quick,
    seed: requested.seed,
    iterations: requested.iterations ?? null,
    settings: requested.settings ?? {},
    data: requested.dataSource?.sha256 ?? null,
  };
  await requireRenderer();
  // fits log their resumption through the console context, made once the folder is known to be writable
  let ctx: ReturnType<typeof consoleContext> | null = null;
  const folder = runFolderOf(outDir, invocation, flags.resume ?? false, flags.checkpointEvery * 1000, (m) => ctx?.log(m));
  const options = { ...requested, outDir: folder.staging };
  ctx = consoleContext(io.stderr);
  const given = Object.entries(options.settings ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : v}`);
  ctx.log(
    `amortvi reproduce ${name}${options.quick ? " (quick)" : ""}: ${experiment.title}; seed ${options.seed}` +
      `${given.length ? `; ${given.join(" ")}` : ""}${flags.data ? `; data ${flags.data} (${options.data?.rows} rows)` : ""}; output ${outDir}`,
  );
  if (folder.resumed) ctx.log("resuming the interrupted run: fits continue from their checkpoints");
  else if (flags.resume) ctx.log("nothing to resume: starting a new run");
  else if (folder.discarded) ctx.log("discarding an unfinished run of this output folder (--resume continues one)");
  const startedAt = new Date();
  let result;
  try {
    result = await experiment.run(options, { progress: ctx.progress, log: (m) => ctx.log(m), checkpoints: folder.checkpoints });
  } finally {
    ctx.close();
  }
  const wallSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const written = await writeReport(folder.staging, { experiment, options: requested, result, startedAt: startedAt.toISOString(), wallSeconds });
  folder.commit();
  const entries = Object.entries(result.headline);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  io.stdout.write(`${experiment.name}: ${experiment.title} (${wallSeconds.toFixed(1)} s)\n`);
  for (const [k, v] of entries) io.stdout.write(`  ${k.padEnd(width)}  ${formatValue(v)}\n`);
  io.stdout.write(`wrote ${written.length} files to ${outDir} (open index.html)\n`);
}

/** The study named after `reproduce` in argv, if it is registered (for `reproduce <name> --help`). */
function studyInArgv(argv: readonly string[]): Experiment | null {
  const k = argv.indexOf("reproduce");
  const name = k >= 0 ? argv.slice(k + 1).find((a) => !a.startsWith("-")) : undefined;
  if (!name) return null;
  try {
    return getExperiment(name);
  } catch {
    return null;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function buildProgram(io: CliIo, argv: readonly string[]): Command {
  const program = new Command("amortvi");
  program
    .description(
      "Amortized vs factorized variational inference with a WebAssembly core. " +
        "`amortvi reproduce <name>` reruns one of the project's studies (amortized-inference note, " +
        "amortization gap, MAPA for VAEs) and writes its numbers (JSON) and figures (SVG, HTML).",
    )
    .version(amortviVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .showHelpAfterError("(run `amortvi --help` for usage)")
    .addHelpText("after", EXAMPLES);

  program
    .command("list")
    .description("list the experiments that `reproduce` accepts")
    .action(() => {
      io.stdout.write(listText());
    });

  program
    .command("describe")
    .description("show an experiment's settings (--set) with their defaults, its data layout (--data) and what --iterations counts")
    .argument("<name>", "experiment name (see `amortvi list`)")
    .action((name: string) => {
      io.stdout.write(describeExperiment(findExperiment(name)));
    });

  program
    .command("reproduce")
    .description("run one experiment and write its results, figures and HTML report")
    .argument("<name>", "experiment name (see `amortvi list`)")
    .option("--quick", "small fast variant (seconds) that still shows the qualitative result", false)
    .option("--seed <n>", "seed of all random streams (integer >= 0)", integerOption("--seed", 0), 1)
    .option("--out <dir>", "output folder (default: ./amortvi-out/<name>/)")
    .option("--iterations <n>", "optimizer steps of each run of the study's main training loop (integer >= 1; what it counts per study: `amortvi describe <name>`)", integerOption("--iterations", 1))
    .option("--set <name=value>", "change a setting of the study (repeatable; lists comma-separated; see `amortvi describe <name>`)", collect)
    .option("--data <file>", "run the study on your data: a .csv, .json or .npy table (layout: `amortvi describe <name>`)")
    .option("--resume", "continue an interrupted run (Ctrl-C, kill) of the same command from its checkpoints; the results equal an uninterrupted run's", false)
    .option("--checkpoint-every <seconds>", "wall time between two checkpoints of a running fit (0: after every step); results do not depend on it", secondsOption("--checkpoint-every"), 1)
    .addHelpText("after", () => {
      const study = studyInArgv(argv);
      return study ? `\n${describeExperiment(study)}` : `\nExperiments (\`amortvi reproduce <name> --help\` for one's settings):\n${listText()}`;
    })
    .action(async (name: string, flags: ReproduceFlags) => reproduce(name, flags, io));
  return program;
}

/**
 * The `amortvi` command line. Returns the exit code; when called without
 * `io` (from bin/amortvi.js) it also sets process.exitCode.
 */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  const streams = io ?? { stdout: process.stdout, stderr: process.stderr };
  // `amortvi --help | head`: a closed pipe is not an error
  if (!io) process.stdout.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" ? process.exit(process.exitCode ?? 0) : undefined));
  let code = EXIT_OK;
  try {
    await buildProgram(streams, argv).parseAsync(argv);
  } catch (err) {
    code = exitCodeOf(err, streams);
  }
  if (!io) process.exitCode = code;
  return code;
}

function exitCodeOf(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help / version)
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    io.stderr.write(`amortvi: error: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? (process.env.AMORTVI_DEBUG ? (err.stack ?? err.message) : `${err.name}: ${err.message}`) : String(err);
  io.stderr.write(`amortvi: the experiment failed: ${message}\n`);
  return EXIT_FAILED;
}
