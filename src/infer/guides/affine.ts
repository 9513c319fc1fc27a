import { Rng } from "../../core/rng.js";
import { assertFiniteArray, assertPositive } from "../../core/errors.js";
import { add, mul } from "../../autodiff/ops/binary.js";
import { ParamSpecs, type Param } from "../../nn/module.js";
import { constant } from "../../nn/init.js";
import { NormalGuide } from "./normal.js";

export interface AffineNormalGuideOptions {
  /** Initial multiplier a. Default 2. */
  a?: number;
  /** Initial offset b. Default 2. */
  b?: number;
  /** Initial std c > 0 (stored as log c). Default 2. */
  c?: number;
  /** Latent site. Default "x". */
  site?: string;
}

/** q(x | y) = N(a y + b, c^2) for scalar y and x (note-1's inference network); parameters a, b, log c. */
export class AffineNormalGuide extends NormalGuide {
  private readonly handles: { a: Param; b: Param; logC: Param };

  constructor({ a = 2, b = 2, c = 2, site = "x" }: AffineNormalGuideOptions = {}) {
    assertFiniteArray("a, b", [a, b]);
    assertPositive("c", c);
    const specs = new ParamSpecs();
    const handles = { a: specs.add("a", [1], constant(a)), b: specs.add("b", [1], constant(b)), logC: specs.add("logC", [1], constant(Math.log(c))) };
    const store = specs.build(new Rng(0));
    super(site, store, (batch) => ({
      mean: add(mul(batch.obs, handles.a.tensor), handles.b.tensor),
      logStd: handles.logC.tensor,
    }));
    this.handles = handles;
  }

  /** Current a, b and c = exp(log c). */
  get values(): { a: number; b: number; c: number } {
    return { a: this.handles.a.tensor.item(), b: this.handles.b.tensor.item(), c: Math.exp(this.handles.logC.tensor.item()) };
  }
}
