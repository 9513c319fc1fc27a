// Settings and data of a study as a user gives them (`--set name=value`,
// `--data file`, `--iterations n`, or the same from code): parsed, checked
// against the study's declarations (Experiment.settings / data / iterations)
// and resolved to values with defaults. Every error is typed and names the
// flag (CLI) or the option (library) it came from.
import { AmortviError, DomainError, ShapeError, UnknownNameError } from "../core/errors.js";
import { columnsText, parseCell } from "../data/table.js";
import type { DataTable } from "../data/table.js";
import { settingDefault, type DataSource, type Experiment, type RunOptions, type SettingSpec, type SettingValue, type StudySettings } from "./types.js";

export { settingDefault } from "./types.js";

/** How errors name what the user typed: `--set tau` on the command line, `settings.tau` from code. */
export type ArgumentStyle = "cli" | "library";

/** The argument label of a setting, of the data or of the iterations in one style. */
export function argumentLabel(style: ArgumentStyle, what: string, dataPath?: string): string {
  if (what === "data") return style === "cli" ? `--data ${dataPath ?? ""}`.trim() : "data";
  if (what === "iterations") return style === "cli" ? "--iterations" : "iterations";
  return style === "cli" ? `--set ${what}` : `settings.${what}`;
}

const isList = (spec: SettingSpec) => spec.type !== "number" && spec.type !== "integer";

function boundText(spec: SettingSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.exclusiveMin ? ">" : ">="} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  return parts.join(" and ");
}

/** "a number > 0", "a comma-separated list of 2 integers >= 1", "names among spiral, mlp". */
export function describeSettingType(spec: SettingSpec): string {
  const bound = boundText(spec);
  const one = spec.type === "integer" || spec.type === "integers" ? "integer" : "number";
  if (spec.type === "names") return `${spec.length ? `${spec.length} ` : ""}comma-separated names among ${(spec.choices ?? []).join(", ")}`;
  if (!isList(spec)) return `${one === "integer" ? "an integer" : "a number"}${bound ? ` ${bound}` : ""}`;
  return `a comma-separated list of ${spec.length ? `${spec.length} ` : ""}${one}s${bound ? ` ${bound}` : ""}`;
}

/** Writes a value as it would be typed after `--set name=`. */
export function formatSettingValue(value: SettingValue): string {
  return typeof value === "number" ? String(value) : value.join(",");
}

function checkEntry(spec: SettingSpec, v: number, argument: string, shown: string): void {
  const integer = spec.type === "integer" || spec.type === "integers";
  const low = spec.min !== undefined && (spec.exclusiveMin ? !(v > spec.min) : !(v >= spec.min));
  const high = spec.max !== undefined && !(v <= spec.max);
  if (!Number.isFinite(v) || (integer && !Number.isSafeInteger(v)) || low || high) {
    throw new DomainError(argument, describeSettingType(spec), shown);
  }
}

/** Checks a typed value against its declaration (type, bounds, length, choices, check); throws naming `argument`. */
export function checkSettingValue(spec: SettingSpec, value: SettingValue, argument: string): SettingValue {
  const shown = JSON.stringify(value);
  if (!isList(spec)) {
    if (typeof value !== "number") throw new DomainError(argument, describeSettingType(spec), shown);
    checkEntry(spec, value, argument, shown);
  } else {
    if (!Array.isArray(value) || value.length === 0) throw new DomainError(argument, describeSettingType(spec), shown);
    if (spec.length !== undefined && value.length !== spec.length) throw new DomainError(argument, describeSettingType(spec), `${value.length} values ${shown}`);
    if (spec.type === "names") {
      for (const v of value) {
        if (typeof v !== "string" || !(spec.choices ?? []).includes(v)) throw new UnknownNameError(argument, describeSettingType(spec), JSON.stringify(v));
      }
    } else {
      for (const v of value) {
        if (typeof v !== "number") throw new DomainError(argument, describeSettingType(spec), shown);
        checkEntry(spec, v, argument, shown);
      }
    }
  }
  spec.check?.(value, argument);
  return value;
}

/** Parses the text after `name=` (numbers strictly, lists split on commas) and checks it. */
export function parseSettingValue(spec: SettingSpec, text: string, argument: string): SettingValue {
  const shown = JSON.stringify(text);
  const number = (t: string): number => {
    try {
      return parseCell(t, argument);
    } catch {
      throw new DomainError(argument, describeSettingType(spec), shown);
    }
  };
  let value: SettingValue;
  if (spec.type === "names") value = text.split(",").map((t) => t.trim());
  else if (isList(spec)) value = text.split(",").map(number);
  else value = number(text);
  return checkSettingValue(spec, value, argument);
}


function findSpec(specs: readonly SettingSpec[], name: string, argument: string, study: string): SettingSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) {
    const valid = specs.map((s) => s.name);
    throw new UnknownNameError(argument, valid.length > 0 ? `a setting of ${study}: one of ${valid.join(", ")}` : `no --set: ${study} has no settings`, JSON.stringify(name));
  }
  return spec;
}

/**
 * Parses repeated `--set name=value` arguments into checked values; an unknown
 * name, a missing `=`, a name given twice or a bad value throws naming `--set`.
 */
export function parseSetArguments(assignments: readonly string[], experiment: Pick<Experiment, "name" | "settings">): Record<string, SettingValue> {
  const specs = experiment.settings ?? [];
  const out: Record<string, SettingValue> = {};
  for (const a of assignments) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new DomainError("--set", "name=value (e.g. --set s=2.2)", JSON.stringify(a));
    const name = a.slice(0, eq).trim();
    const spec = findSpec(specs, name, "--set", experiment.name);
    if (name in out) throw new DomainError(`--set ${name}`, "each setting at most once", `${name} given twice`);
    out[name] = parseSettingValue(spec, a.slice(eq + 1).trim(), `--set ${name}`);
  }
  return out;
}

class ResolvedSettings implements StudySettings {
  constructor(
    readonly values: Readonly<Record<string, SettingValue>>,
    readonly given: ReadonlySet<string>,
    private readonly study: string,
  ) {}
  private get(name: string): SettingValue {
    if (!(name in this.values)) throw new UnknownNameError("setting", `a setting of ${this.study}: one of ${Object.keys(this.values).join(", ")}`, JSON.stringify(name));
    return this.values[name];
  }
  number(name: string): number {
    const v = this.get(name);
    if (typeof v !== "number") throw new DomainError(`setting ${name}`, "a number", JSON.stringify(v));
    return v;
  }
  numbers(name: string): number[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.some((x) => typeof x !== "number")) throw new DomainError(`setting ${name}`, "a list of numbers", JSON.stringify(v));
    return [...(v as number[])];
  }
  names(name: string): string[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new DomainError(`setting ${name}`, "a list of names", JSON.stringify(v));
    return [...(v as string[])];
  }
}

/**
 * Every declared setting of a study with its value: the user's (opts.settings,
 * checked again so that a library caller gets the same typed errors) or the default
 * of the full / quick run. Study drivers call this first.
 */
export function resolveSettings(experiment: Pick<Experiment, "name" | "settings">, opts: Pick<RunOptions, "quick" | "settings">, style: ArgumentStyle = "library"): StudySettings {
  const specs = experiment.settings ?? [];
  const given = opts.settings ?? {};
  const values: Record<string, SettingValue> = {};
  for (const name of Object.keys(given)) findSpec(specs, name, style === "cli" ? "--set" : "settings", experiment.name);
  for (const spec of specs) {
    values[spec.name] = spec.name in given ? checkSettingValue(spec, given[spec.name], argumentLabel(style, spec.name)) : settingDefault(spec, opts.quick);
  }
  return new ResolvedSettings(values, new Set(Object.keys(given)), experiment.name);
}

/** Checks the data's layout against the study's DataSpec; throws naming `--data <file>` (or `data`). */
export function checkDataLayout(experiment: Pick<Experiment, "name" | "data">, table: DataTable, argument: string): void {
  const spec = experiment.data;
  if (!spec) throw new DomainError(argument, `no data: ${experiment.name} takes no --data`, `a table of ${table.rows} x ${table.cols}`);
  const layout = `${columnsText(spec.columns)} (${spec.description})`;
  if (table.cols !== spec.columns) throw new ShapeError(argument, layout, `${columnsText(table.cols)}${table.columns ? ` (${table.columns.join(", ")})` : ""}`);
  if (spec.minRows !== undefined && table.rows < spec.minRows) throw new ShapeError(argument, `at least ${spec.minRows} rows`, `${table.rows} rows`);
  if (spec.maxRows !== undefined && table.rows > spec.maxRows) throw new ShapeError(argument, `at most ${spec.maxRows} rows`, `${table.rows} rows`);
  for (let i = 0; i < table.values.length; i++) {
    if (!Number.isFinite(table.values[i])) {
      throw new DomainError(argument, "finite numbers", `${table.values[i]} at row ${Math.floor(i / table.cols) + 1}, column ${(i % table.cols) + 1}`);
    }
  }
}

/** What a caller asks for: the run options plus settings as typed values (library) or already parsed ones (CLI). */
export interface RunRequest {
  quick?: boolean;
  seed?: number;
  outDir?: string;
  iterations?: number;
  settings?: Readonly<Record<string, SettingValue>>;
  data?: DataTable;
  dataSource?: DataSource;
}

/**
 * Validates a request against the study's declarations and returns its RunOptions:
 * --iterations only where the study counts them, known settings with valid values,
 * data of the declared layout, no setting that the data determines, then the study's
 * own cross-checks (Experiment.validate). Errors name the flag (style "cli") or option.
 */
export function prepareRun(experiment: Experiment, request: RunRequest, style: ArgumentStyle = "library"): RunOptions {
  const opts: RunOptions = {
    quick: request.quick ?? false,
    seed: request.seed ?? 1,
    outDir: request.outDir ?? ".",
    iterations: request.iterations,
  };
  if (request.settings && Object.keys(request.settings).length > 0) opts.settings = request.settings;
  const iterationsLabel = argumentLabel(style, "iterations");
  if (request.iterations !== undefined) {
    if (!Number.isSafeInteger(request.iterations) || request.iterations < 1) throw new DomainError(iterationsLabel, "an integer >= 1", String(request.iterations));
    if (typeof experiment.iterations === "object") throw new DomainError(iterationsLabel, `no --iterations for ${experiment.name}`, String(request.iterations), experiment.iterations.unsupported);
  }
  const settings = resolveSettings(experiment, opts, style);
  const dataLabel = argumentLabel(style, "data", request.dataSource?.path);
  if (request.data) {
    checkDataLayout(experiment, request.data, dataLabel);
    const clash = (experiment.data?.replaces ?? []).filter((n) => settings.given.has(n));
    if (clash.length > 0) {
      throw new DomainError(argumentLabel(style, clash[0]), `no value with ${dataLabel} (the data determines ${clash.join(", ")})`, formatSettingValue(settings.values[clash[0]]));
    }
    opts.data = request.data;
    if (request.dataSource) opts.dataSource = request.dataSource;
  }
  const names = new Set((experiment.settings ?? []).map((s) => s.name));
  const label = (name: string) => (name === "data" ? dataLabel : names.has(name) ? argumentLabel(style, name) : name);
  try {
    experiment.validate?.(settings, request.data, label);
  } catch (err) {
    // a model constructor's error names its own option (e.g. "pi"): say which flag set it
    if (err instanceof AmortviError && names.has(err.argument)) {
      const Ctor = err.constructor as new (argument: string, expected: string, received: string) => AmortviError;
      throw new Ctor(label(err.argument), err.expected, err.received);
    }
    throw err;
  }
  return opts;
}
