import { DomainError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { runtime, type Runtime } from "../core/runtime.js";
import type { Tensor } from "../core/tensor.js";
import type { Init, InitName } from "./init.js";
import { ParamStore, type ParamSpec } from "./param-store.js";

/** Anything trainable: its parameters live in one ParamStore (possibly shared with other modules). */
export interface Module {
  readonly params: ParamStore;
}

/** A registered parameter; its tensor exists once the collector that registered it is built. */
export class Param {
  private value: Tensor | null = null;

  constructor(
    readonly name: string,
    readonly shape: readonly number[],
  ) {}

  /** The parameter view inside the built store. */
  get tensor(): Tensor {
    if (!this.value) {
      throw new DomainError(this.name, "a parameter of a built store (call ParamSpecs.build first)", "an unbuilt parameter");
    }
    return this.value;
  }

  /** Called by ParamSpecs.build. */
  bind(tensor: Tensor): void {
    this.value = tensor;
  }
}

interface Registry {
  specs: ParamSpec[];
  params: Param[];
  store: ParamStore | null;
}

/**
 * Collects the parameter specs of several layers so that they share ONE
 * ParamStore (one optimizer call updates all of them):
 *
 *   const specs = new ParamSpecs();
 *   const encoder = new MLP([2, 32, 4], { specs: specs.scope("encoder") });
 *   const head = new Linear(4, 1, { specs: specs.scope("head") });
 *   const store = specs.build(new Rng(0));   // encoder.params === head.params === store
 *
 * `scope(prefix)` returns a view of the same collector that prefixes names.
 */
export class ParamSpecs {
  private registry: Registry = { specs: [], params: [], store: null };
  private prefixValue = "";

  /** Names of parameters registered through this collector start with `prefix.` (empty at the root). */
  get prefix(): string {
    return this.prefixValue;
  }

  /** The same collector with names prefixed by `prefix.`. */
  scope(prefix: string): ParamSpecs {
    if (!prefix) throw new DomainError("prefix", "a non-empty string", JSON.stringify(prefix));
    const scoped = new ParamSpecs();
    scoped.registry = this.registry;
    scoped.prefixValue = this.qualify(prefix);
    return scoped;
  }

  /** Registers a parameter; its tensor is available after build(). */
  add(name: string, shape: readonly number[], init: Init | InitName): Param {
    if (this.registry.store) throw new DomainError("specs", "a collector not yet built", `one already built (adding ${name})`);
    const full = this.qualify(name);
    if (this.registry.specs.some((s) => s.name === full)) {
      throw new DomainError("name", "a name not used by another parameter", full);
    }
    const param = new Param(full, shape.slice());
    this.registry.specs.push({ name: full, shape: param.shape, init });
    this.registry.params.push(param);
    return param;
  }

  /** Number of registered parameters. */
  get count(): number {
    return this.registry.specs.length;
  }

  /** Allocates the shared store, initializing parameters in registration order from `rng`. */
  build(rng: Rng, rt: Runtime = runtime()): ParamStore {
    if (this.registry.store) throw new DomainError("specs", "a collector built once", "a second build()");
    const store = ParamStore.build(this.registry.specs, rng, rt);
    this.registry.params.forEach((p) => p.bind(store.get(p.name)));
    this.registry.store = store;
    return store;
  }

  /** The built store (throws before build()). */
  get store(): ParamStore {
    if (!this.registry.store) throw new DomainError("specs", "a built collector (call build first)", "an unbuilt collector");
    return this.registry.store;
  }

  get built(): boolean {
    return this.registry.store !== null;
  }

  private qualify(name: string): string {
    return this.prefixValue ? `${this.prefixValue}.${name}` : name;
  }
}

/** Options every layer accepts for where its parameters live. */
export interface ParamPlacement {
  /** Register into this (shared) collector; the caller builds it. Default: a private store built at once. */
  specs?: ParamSpecs;
  /** Seed or generator for the private store's initialization (ignored with `specs`). Default: seed 0. */
  rng?: Rng | number;
}

/**
 * Runs `register` against the layer's collector; with no shared collector,
 * builds a private store right away so that the layer is ready to use.
 */
export function placeParams<T>(placement: ParamPlacement, register: (specs: ParamSpecs) => T): { specs: ParamSpecs; result: T } {
  const specs = placement.specs ?? new ParamSpecs();
  const result = register(specs);
  if (!placement.specs) {
    const rng = placement.rng instanceof Rng ? placement.rng : new Rng(placement.rng ?? 0);
    specs.build(rng);
  }
  return { specs, result };
}
