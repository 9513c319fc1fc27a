// PSIS k-hat of a guide as an importance proposal for its model: for each
// datapoint x_b of a batch, S draws z_s ~ q(z | x_b) and the log ratios
// log w_s = log p(x_b, z_s) - log q(z_s | x_b) (the IWAE weights of
// objectives/importance-weighted.ts). k-hat < 0.7 says q covers p(z | x_b)
// well enough for importance sampling (and its IWAE / log p(x) estimates) to
// be trusted (Vehtari et al. 2024; Yao, Vehtari, Simpson & Gelman 2018, "Yes,
// but did it work?: evaluating variational inference", ICML).
import { DomainError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { importanceLogWeights } from "../../infer/objectives/importance-weighted.js";
import { asEngineModel } from "../../model/engine-model.js";
import type { ProbModel } from "../../model/model.js";
import type { Proposal } from "../../models/guide.js";
import type { Batch, Model } from "../../models/model.js";
import { psisDiagnostic, type PsisDiagnostic } from "./psis.js";

export interface GuidePsisOptions {
  /** Draws S per datapoint. Default 1000. */
  draws?: number;
  /** Rows per guide call (draws are made in chunks). Default 20,000. */
  maxRows?: number;
}

export interface GuidePsis {
  /** One PSIS diagnostic per row of the batch. */
  perDatapoint: PsisDiagnostic[];
  khat: Float64Array;
  maxKhat: number;
  /** Fraction of datapoints with k-hat at or above its threshold. */
  fractionUnreliable: number;
  /** Every datapoint's k-hat below its threshold. */
  reliable: boolean;
}

/** k-hat of q(z | x_b) as a proposal for p(z | x_b) for every datapoint of a batch: psisDiagnostic of log p(x_b, z_s) - log q(z_s | x_b), z_s ~ q. */
export function psisForGuide(model: Model | ProbModel, guide: Proposal, batch: Batch, rng: Rng, options: GuidePsisOptions = {}): GuidePsis {
  assertKnownOptions("options", options, ["draws", "maxRows"]);
  const S = options.draws ?? 1000;
  assertInteger("draws", S, 25);
  const maxRows = options.maxRows ?? 20_000;
  assertInteger("maxRows", maxRows, 1);
  if (!guide || typeof guide.sample !== "function") throw new DomainError("guide", "a guide or proposal with sample(batch, rng)", String(guide));
  const rows = importanceLogWeights(asEngineModel(model), guide, batch, S, rng, maxRows);
  const perDatapoint = rows.map((lw, b) => {
    try {
      return psisDiagnostic(lw);
    } catch (e) {
      if (e instanceof DomainError) throw new DomainError(`log weights of datapoint ${b}`, e.expected, e.received);
      throw e;
    }
  });
  const khat = Float64Array.from(perDatapoint, (p) => p.khat);
  return {
    perDatapoint,
    khat,
    maxKhat: khat.reduce((m, k) => Math.max(m, k), -Infinity),
    fractionUnreliable: perDatapoint.filter((p) => !p.reliable).length / perDatapoint.length,
    reliable: perDatapoint.every((p) => p.reliable),
  };
}
