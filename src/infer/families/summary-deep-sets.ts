import type { Activation } from "../../autodiff/ops/linalg.js";
import { reshape } from "../../autodiff/ops/shape.js";
import { ShapeError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import { MLP } from "../../nn/mlp.js";
import { checkActivation, checkChoice, checkSummaryInput, checkWidths, poolSegments, splitInput, type Pooling, type SummaryNet } from "./summary.js";

export interface DeepSetsOptions {
  /** Values per element e. */
  elementSize: number;
  /** Elements per set S. Default: inputSize / elementSize (checked against inputSize when given). */
  setSize?: number;
  /** Widths of phi's layers, e -> phi[0] -> ... -> h (at least one; every layer activated). */
  phi: readonly number[];
  /** Widths of rho's layers, h -> rho[0] -> ... (the last layer linear); [] outputs the pooled h. */
  rho: readonly number[];
  /** Pooling over the set. Default: "mean" (does not grow with S). */
  pool?: Pooling;
  /** Hidden activation of phi and rho. Default: "relu". */
  activation?: Activation;
}

const OPTIONS = ["elementSize", "setSize", "phi", "rho", "pool", "activation"];

/**
 * DeepSets (Zaheer et al. 2017): s(x) = rho(pool_{s<S} phi(x_s)) over a row of
 * S elements x_s of e values each (row = (x_1, ..., x_S), inputSize = S e),
 * invariant to any permutation of the elements. phi runs on all B S elements
 * as one [B S, e] batch (a reshape), the pool is one segment kernel, so a
 * forward is a few Wasm calls whatever S.
 *
 * A set-valued observation: let the model's plate observe the whole set as one
 * site of dim S e, e.g. S iid draws around a per-datapoint latent,
 *   const z = m.sample("z", new Normal(0, 1));               // [B, 1]
 *   m.observe("x", new Normal(add(z, Tensor.zeros([z.rows, S])), 1));  // [B, S]
 * with a Dataset of rows of S values (new Dataset(flat, { dim: S })); then
 * x_n is the set and deepSets({ elementSize: 1, ... }) its summary. Elements
 * of e > 1 values sit side by side in the row (x_1[0..e), x_2[0..e), ...).
 * Leave the family's `standardize` off: per-column scaling differs between
 * the element slots and breaks the invariance.
 */
export function deepSets(options: DeepSetsOptions): SummaryNet {
  assertKnownOptions("options", options, OPTIONS);
  const o = options ?? ({} as DeepSetsOptions);
  const { elementSize, setSize, pool = "mean", activation = "relu" } = o;
  assertInteger("elementSize", elementSize, 1);
  if (setSize !== undefined) assertInteger("setSize", setSize, 1);
  const phiWidths = checkWidths("phi", o.phi, false);
  const rhoWidths = checkWidths("rho", o.rho, true);
  checkChoice("pool", pool, ["mean", "sum"]);
  checkActivation("activation", activation);
  const h = phiWidths[phiWidths.length - 1];
  return {
    name: `DeepSets phi [${phiWidths}] ${pool} rho [${rhoWidths}]`,
    build(specs, inputSize) {
      const S = splitInput("deepSets", inputSize, elementSize, "elementSize");
      if (setSize !== undefined && S !== setSize) {
        throw new ShapeError("deepSets inputSize", `setSize * elementSize = ${setSize * elementSize}`, String(inputSize));
      }
      const phi = new MLP([elementSize, ...phiWidths], { specs: specs.scope("phi"), activation, outputActivation: activation });
      const rho = rhoWidths.length > 0 ? new MLP([h, ...rhoWidths], { specs: specs.scope("rho"), activation }) : null;
      return {
        outputSize: rho ? rho.outputSize : h,
        forward(x) {
          checkSummaryInput("deepSets", x, inputSize);
          const pooled = poolSegments(phi.forward(reshape(x, [x.rows * S, elementSize])), S, pool);
          return rho ? rho.forward(pooled) : pooled;
        },
      };
    },
  };
}
