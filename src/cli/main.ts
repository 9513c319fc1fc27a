import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { AmortviError, UnknownNameError } from "../core/errors.js";
import { getExperiment, listExperiments } from "../experiments/index.js";
import type { RunOptions } from "../experiments/types.js";
import { formatValue } from "../report/html.js";
import { writeReport } from "../report/write.js";
import { consoleContext, type OutputStream } from "./progress.js";

/** Exit codes: 0 success, 1 the experiment failed, 2 bad invocation. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Streams the CLI writes to: results on stdout, progress and errors on stderr. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
}

/** A problem with the command line itself (exit code 2). */
class UsageError extends AmortviError {}

const EXAMPLES = `
Examples:
  $ amortvi list                                  # the experiments that can be reproduced
  $ amortvi reproduce note-1 --quick              # a fast run (seconds), same qualitative result
  $ amortvi reproduce note-1                      # the full run, outputs in ./amortvi-out/note-1/
  $ amortvi reproduce avi-linear --seed 3 --out results/avi-linear
  $ amortvi reproduce note-2 --iterations 5000    # override the number of training iterations

Each run writes <out>/results.json (numbers), one <figure>.svg per figure and
<out>/index.html (headline table and figures). Files are written atomically:
an interrupted run never leaves a half-written file.

Exit codes: 0 success, 1 the experiment failed, 2 bad invocation (unknown
experiment, invalid option value, output folder not writable).`;

function packageVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "amortvi" && pkg.version) return pkg.version;
    } catch {
      // try the next candidate (dist/cli.js vs src/cli/main.ts)
    }
  }
  return "unknown";
}

function integerOption(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} expects an integer >= ${min}, received ${JSON.stringify(value)}.`);
    }
    return n;
  };
}

/** Creates the folder if needed and proves it is writable; else a UsageError naming --out. */
async function prepareOutDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.amortvi-write-test-${process.pid}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UsageError("--out", "a folder that can be created and written", JSON.stringify(dir), reason);
  }
}

/** getExperiment, with an unknown name turned into a usage error (exit 2) that points to `amortvi list`. */
function findExperiment(name: string) {
  try {
    return getExperiment(name);
  } catch (err) {
    if (err instanceof UnknownNameError) throw new UsageError(err.argument, err.expected, err.received, "run `amortvi list`");
    throw err;
  }
}

function listText(): string {
  const all = listExperiments();
  if (all.length === 0) return "No experiments are registered in this build.\n";
  const width = Math.max(...all.map((e) => e.name.length));
  return all.map((e) => `  ${e.name.padEnd(width)}  ${e.title}`).join("\n") + "\n";
}

async function reproduce(name: string, flags: { quick?: boolean; seed: number; out?: string; iterations?: number }, io: CliIo): Promise<void> {
  const experiment = findExperiment(name);
  const outDir = resolve(flags.out ?? join("amortvi-out", name));
  await prepareOutDir(outDir);
  const options: RunOptions = { quick: flags.quick ?? false, seed: flags.seed, outDir, iterations: flags.iterations };
  const ctx = consoleContext(io.stderr);
  ctx.log(`amortvi reproduce ${name}${options.quick ? " (quick)" : ""}: ${experiment.title}; seed ${options.seed}; output ${outDir}`);
  const startedAt = new Date();
  let result;
  try {
    result = await experiment.run(options, ctx);
  } finally {
    ctx.close();
  }
  const wallSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const written = await writeReport(outDir, { experiment, options, result, startedAt: startedAt.toISOString(), wallSeconds });
  const entries = Object.entries(result.headline);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  io.stdout.write(`${experiment.name}: ${experiment.title} (${wallSeconds.toFixed(1)} s)\n`);
  for (const [k, v] of entries) io.stdout.write(`  ${k.padEnd(width)}  ${formatValue(v)}\n`);
  io.stdout.write(`wrote ${written.length} files to ${outDir} (open index.html)\n`);
}

function buildProgram(io: CliIo): Command {
  const program = new Command("amortvi");
  program
    .description(
      "Amortized vs factorized variational inference with a WebAssembly core. " +
        "`amortvi reproduce <name>` reruns one of the project's studies (amortized-inference note, " +
        "amortization gap, MAPA for VAEs) and writes its numbers (JSON) and figures (SVG, HTML).",
    )
    .version(packageVersion(), "-V, --version")
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
    .command("reproduce")
    .description("run one experiment and write its results, figures and HTML report")
    .argument("<name>", "experiment name (see `amortvi list`)")
    .option("--quick", "small fast variant (seconds) that still shows the qualitative result", false)
    .option("--seed <n>", "seed of all random streams (integer >= 0)", integerOption("--seed", 0), 1)
    .option("--out <dir>", "output folder (default: ./amortvi-out/<name>/)")
    .option("--iterations <n>", "override the number of training iterations (integer >= 1)", integerOption("--iterations", 1))
    .addHelpText("after", () => `\nExperiments:\n${listText()}`)
    .action(async (name: string, flags) => reproduce(name, flags, io));
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
    await buildProgram(streams).parseAsync(argv);
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
