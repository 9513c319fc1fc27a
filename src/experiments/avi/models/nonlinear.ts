import { add, mul } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { sumRows } from "../../../autodiff/ops/reduce.js";
import { sin, cos } from "../../../autodiff/ops/trig.js";
import { DomainError } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import { continuousLatent } from "./latent-values.js";

/**
 * avi-nonlinear (Margossian & Blei): theta ~ N(0, 1), z_n ~ N(0, 1),
 * x_n = theta + z_n + z_n sin(z_n) + exp(cos z_n) eps_n, eps_n ~ N(0, 1).
 * The likelihood N(x_n; theta + z_n + z_n sin z_n, exp(cos z_n)^2) keeps its
 * -cos z_n normalizing term (the study's reference code drops it).
 */
export class NonlinearModel implements Model {
  readonly name = "avi-nonlinear";
  readonly latents: readonly LatentSite[] = [
    { name: "theta", scope: "global", dim: 1, support: { kind: "real" } },
    { name: "z", scope: "local", dim: 1, support: { kind: "real" } },
  ];
  readonly obsDim = 1;
  private readonly zero = Tensor.scalar(0, "persistent");

  /** log N(z_n; 0, 1) + log N(x_n; theta + z_n + z_n sin z_n, exp(2 cos z_n)), [B]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const z = continuousLatent(values, "z", batch.obs.rows);
    const theta = continuousLatent(values, "theta", 1);
    const loc = add(add(z, mul(z, sin(z))), theta);
    return add(normalLogProb(z, this.zero, this.zero), normalLogProb(batch.obs, loc, cos(z)));
  }

  /** log N(theta; 0, 1) summed over the given draws, [1]. */
  logPriorGlobal(values: LatentValues): Tensor {
    const theta = continuousLatent(values, "theta", 1);
    return sumRows(normalLogProb(theta, this.zero, this.zero));
  }

  /** theta ~ N(0, 1) once (or the given theta), then n draws of (z_n, x_n). */
  sampleJoint(n: number, rng: Rng, theta?: number): { values: LatentValues; batch: Batch } {
    if (theta !== undefined && !Number.isFinite(theta)) throw new DomainError("theta", "a finite number", String(theta));
    const th = theta ?? rng.normal([1]).item();
    const z = rng.normal([n]).toFloat64Array();
    const eps = rng.normal([n]).toFloat64Array();
    const x = z.map((zi, i) => th + zi + zi * Math.sin(zi) + Math.exp(Math.cos(zi)) * eps[i]);
    return { values: { z: Tensor.from(z, [n, 1]), theta: Tensor.from([th], [1, 1]) }, batch: { obs: Tensor.from(x, [n, 1]) } };
  }

  /** Per-datapoint constant of the -ELBO (1/2 log 2 pi), dropped by the study's "-ELBO without constants". */
  get negElboConstantPerDatapoint(): number {
    return 0.5 * Math.log(2 * Math.PI);
  }
}
