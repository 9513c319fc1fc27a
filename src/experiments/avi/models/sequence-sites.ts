import { DomainError, NonFiniteError, ShapeError, describeShape } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import type { Tensor } from "../../../core/tensor.js";
import type { Batch, LatentSite, LatentValues } from "../../../models/model.js";
import { continuousLatent } from "./latent-values.js";

/** A real-valued local latent site of size 1 per datapoint. */
export function continuousLocal(name: string): LatentSite {
  return { name, scope: "local", dim: 1, support: { kind: "real" } };
}

/** n standard normals from rng as a JS array (data simulation; arena scratch released). */
export function normals(rng: Rng, n: number): Float64Array {
  const arena = rng.rt.arena;
  const m = arena.mark();
  const v = rng.normal([n]).toFloat64Array();
  arena.restore(m);
  return v;
}

/**
 * Checks that a batch is the full ordered series of a model whose log joint
 * couples all locals (obs [N, 1], finite, index 0..N-1 when given, values.z [N, 1])
 * and returns values.z. Minibatches of a coupled series are a user error.
 */
export function checkFullSequence(model: { N: number; latents: readonly LatentSite[] }, values: LatentValues, batch: Batch): Tensor {
  const N = model.N;
  const obs = batch.obs;
  if (obs.rows !== N || obs.cols !== 1) {
    throw new ShapeError("batch.obs", `the full series, shape [${N}, 1] (this model couples all time points: no minibatches)`, `shape ${describeShape(obs.shape)}`);
  }
  const bad = obs.firstNonFinite();
  if (bad >= 0) throw new NonFiniteError("batch.obs", "finite numbers", `${obs.view()[bad]} at index ${bad}`);
  if (batch.index) {
    const idx = batch.index;
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] !== i || idx.length !== N) {
        throw new DomainError("batch.index", `0, 1, ..., ${N - 1} in order (the full ordered series)`, `${idx.length} indices, ${idx[i]} at position ${i}`);
      }
    }
  }
  const name = model.latents[0].name;
  const z = continuousLatent(values, name, N);
  if (z.rows !== N) throw new ShapeError(`values.${name}`, `shape [${N}, 1] (one value per time point)`, `shape ${describeShape(z.shape)}`);
  return z;
}
