/**
 * Errors thrown at amortvi's public boundary. Every message names the
 * argument, what was expected and what was received, so that a user can fix
 * the call without reading the library's source.
 */
export class AmortviError extends Error {
  constructor(
    readonly argument: string,
    readonly expected: string,
    readonly received: string,
    detail?: string,
  ) {
    super(`${argument}: expected ${expected}, received ${received}${detail ? ` (${detail})` : ""}`);
    this.name = new.target.name;
  }
}

/** A tensor or array of the wrong shape or size. */
export class ShapeError extends AmortviError {}

/** NaN or +-Inf where finite numbers are required. */
export class NonFiniteError extends AmortviError {}

/** A value outside its domain: a non-positive scale, a probability outside [0, 1], K < 1, ... */
export class DomainError extends AmortviError {}

/** An unknown name: experiment, activation, option. */
export class UnknownNameError extends AmortviError {}

/**
 * Where a divergence started: the loss, the first non-finite gradient entry
 * of a store about to be updated, or the first parameter entry that was
 * non-finite or beyond the sanity bound after an update. group / store /
 * parameter / index locate the entry (store: its position in the group, as
 * fit trains them); update: the 1-based optimizer update within the outer
 * step (the aggressive schedule's inner loop, wake and sleep phases).
 */
export interface DivergenceSource {
  kind: "loss" | "gradient" | "parameter";
  value: number;
  group?: "guide" | "model";
  store?: number;
  parameter?: string;
  index?: number;
  update?: number;
  /** The sanity bound of a "parameter" divergence. */
  bound?: number;
}

function divergenceArgument(source: DivergenceSource | null): string {
  if (!source || source.kind === "loss") return "loss";
  const where = source.group !== undefined ? ` (${source.group} store ${source.store})` : "";
  return `${source.kind === "gradient" ? "gradient of " : "parameter "}${source.parameter}[${source.index}]${where}${source.kind === "parameter" ? " after the update" : ""}`;
}

/** Training hit a non-finite loss or gradient, or a parameter beyond its sanity bound; the last good parameters were kept. */
export class TrainingDivergedError extends AmortviError {
  constructor(
    readonly step: number,
    received: string,
    readonly source: DivergenceSource | null = null,
  ) {
    super(
      divergenceArgument(source),
      source?.kind === "parameter" ? `a finite value with |value| <= ${source.bound}` : "a finite value",
      received,
      `at step ${step}${source?.update ? `, update ${source.update} of the step` : ""}; the last good parameters and optimizer state were kept`,
    );
  }
}

/**
 * A checkpoint or saved-parameters file that cannot be used: not one
 * (wrong magic, an old JSON checkpoint), an unknown format version,
 * truncated, corrupted (checksum), non-finite values, or a structure that
 * does not match what it is loaded into. Nothing was changed when it is thrown.
 */
export class CheckpointError extends AmortviError {}

/**
 * A tensor read after its memory was released: a persistent tensor after
 * dispose(), an arena tensor after the arena reset at a later valueAndGrad
 * step or after the tidy() scope it was made in ended. `releasedBy` says which.
 */
export class DisposedTensorError extends AmortviError {
  constructor(
    readonly shape: readonly number[],
    readonly lifetime: string,
    readonly releasedBy: string,
  ) {
    super(
      "tensor",
      "a tensor whose memory is still live",
      `${/^[aeiou]/.test(lifetime) ? "an" : "a"} ${lifetime} tensor of shape ${describeShape(shape)} released by ${releasedBy}`,
      releaseHint(releasedBy),
    );
  }
}

function releaseHint(releasedBy: string): string {
  if (releasedBy.startsWith("dispose")) return "do not use a tensor after dispose()";
  if (releasedBy.includes("tidy")) return "return it from the tidy() function or keep() it to use it after the scope";
  return "arena tensors live for one valueAndGrad step: clone(\"persistent\") what must outlive it";
}

export function describeShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Throws ShapeError unless `received` equals `expected` (-1 in expected matches any size). */
export function assertShape(argument: string, received: readonly number[], expected: readonly number[]): void {
  const ok = received.length === expected.length && expected.every((e, i) => e === -1 || e === received[i]);
  if (!ok) {
    const want = describeShape(expected.map((e) => (e === -1 ? "*" : e) as number));
    throw new ShapeError(argument, `shape ${want}`, `shape ${describeShape(received)}`);
  }
}

/** Throws DomainError unless value > 0 and finite. */
export function assertPositive(argument: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new DomainError(argument, "a finite value > 0", String(value));
  }
}

/** Throws DomainError unless value is an integer >= min. */
export function assertInteger(argument: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DomainError(argument, `an integer >= ${min}`, String(value));
  }
}

/** Throws NonFiniteError if any entry is NaN or infinite. */
export function assertFiniteArray(argument: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const v: unknown = values[i];
      throw new NonFiniteError(argument, "finite numbers", `${typeof v === "number" ? v : `${typeof v} ${JSON.stringify(v)}`} at index ${i}`);
    }
  }
}

/**
 * Throws UnknownNameError for an option key not in `allowed` (a misspelled
 * option such as `learningRate` for `lr` would otherwise be ignored silently).
 */
export function assertKnownOptions(argument: string, options: object | null | undefined, allowed: readonly string[]): void {
  if (!options || typeof options !== "object") return;
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new UnknownNameError(`${argument}.${key}`, `one of the options ${allowed.join(", ")}`, JSON.stringify(key));
  }
}
