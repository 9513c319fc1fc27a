import { noGrad } from "../../autodiff/tape.js";
import { DomainError, assertInteger, assertPositive } from "../../core/errors.js";
import { AutoGuide } from "../../infer/families/auto-guide.js";
import { Dataset } from "../../infer/families/dataset.js";
import type { Objective, ObjectiveContext } from "../../infer/objectives/objective.js";
import type { Batch } from "../../models/model.js";
import { SGD } from "../../optim/sgd.js";
import type { FitSchedule, FitState } from "./types.js";

export interface SemiAmortizedOptions {
  /** Refinement steps K per batch. Default: 5. */
  steps?: number;
  /** Step size of the refinement's gradient steps (SGD on each datapoint's own -ELBO, whatever the objective's scale). Default: 0.1. */
  lr?: number;
}

/**
 * Semi-amortized training (Krishnan, Liang & Hoffman 2018, "On the
 * challenges of learning with inference networks on sparse, high-dimensional
 * data"; Kim et al. 2018 backpropagate through the refinement, this schedule
 * does not): for each batch,
 *   lambda^0 = f_phi(x)  (the network's conditioning rows, detached),
 *   lambda^{k+1} = lambda^k - lr * grad_lambda (-ELBO(x; lambda^k)),  k < K,
 *   theta <- Adam step on -ELBO(x; lambda^K)      (the model, with the refined q),
 *   phi   <- Adam step on -ELBO(x; f_phi(x))       (the network, as in A-VI).
 * The model therefore learns with a guide closer to its per-datapoint
 * optimum than the network alone gives. Needs an amortized AutoGuide and a
 * model with parameters; fit's objective is used for all three losses.
 */
export function semiAmortized({ steps = 5, lr = 0.1 }: SemiAmortizedOptions = {}): FitSchedule {
  assertInteger("steps", steps, 1);
  assertPositive("lr", lr);
  let refined: AutoGuide | null = null;
  let sgd: SGD | null = null;
  let init = false;
  let amortized: AutoGuide | null = null;
  /** The objective evaluated with the refined rows; on the first call of a batch it starts them at the network's output. */
  const refinedObjective = (base: Objective, inner: boolean): Objective => ({
    ...base,
    name: `${base.name} (refined)`,
    loss(c: ObjectiveContext) {
      const batch = c.batch();
      const B = batch.obs.rows;
      if (!refined || refined.N !== B) {
        refined?.dispose();
        sgd?.dispose();
        const zeros = new Dataset(Array.from({ length: B }, () => new Array(batch.obs.cols).fill(0)));
        refined = new AutoGuide(amortized!.model, { data: zeros, amortized: false, family: amortized!.family, init: "zero" });
        sgd = new SGD(refined.params, { lr });
      }
      if (init) {
        const rows = noGrad(() => amortized!.contexts(batch).toArray());
        const store = refined.localStore!;
        store.get("context").set(rows);
        // a density's own shared parameters (a flow's conditioners) start each batch at the amortized guide's
        for (const name of store.names) if (name.startsWith("density.")) store.get(name).set(amortized!.localStore!.get(name).toArray());
        init = false;
      }
      const plain: Batch = { obs: batch.obs, ...(batch.context ? { context: batch.context } : {}) };
      // inner steps: the batch's own ELBO (dataSize B: each row's gradient is its datapoint's, whatever N is)
      return base.loss({ ...c, guide: refined, batch: () => plain, ...(inner ? { dataSize: B } : {}) });
    },
  });
  return {
    name: `semi-amortized (K = ${steps})`,
    start(state: FitState): void {
      if (!(state.guide instanceof AutoGuide) || state.guide.mode !== "avi") {
        throw new DomainError("guide", "an amortized AutoGuide (autoGuide(model, { amortized: {...} }))", String(state.guide?.constructor?.name));
      }
      if (state.guide.globalStore) throw new DomainError("guide", "a guide of local sites only (the refinement is per datapoint)", "a guide with global sites");
      amortized = state.guide;
    },
    step(state: FitState): number {
      const inner = refinedObjective(state.objective, true);
      init = true;
      for (let k = 0; k < steps; k++) {
        refined?.localStore?.zeroGrad();
        state.gradient("step", inner);
        sgd!.step();
      }
      state.record.innerSteps.push(steps);
      refined!.localStore!.zeroGrad();
      state.update("model", "step", refinedObjective(state.objective, false));
      refined!.localStore!.zeroGrad();
      return state.update("guide");
    },
  };
}
