import { Rng } from "../../core/rng.js";
import { assertInteger } from "../../core/errors.js";
import type { Activation } from "../../autodiff/ops/linalg.js";
import { MLP } from "../../nn/mlp.js";
import { ParamSpecs } from "../../nn/module.js";
import { NormalGuide } from "./normal.js";

export interface MlpNormalGuideOptions {
  /** Size of one observation. Default 1. */
  obsDim?: number;
  /** Size of the latent. Default 1. */
  dim?: number;
  /** Hidden layer sizes of each network. Default [16, 16]. */
  hidden?: readonly number[];
  /** Hidden activation. Default "tanh". */
  activation?: Activation;
  /** Latent site. Default "x". */
  site?: string;
  /** Initialization seed or generator. Default seed 0. */
  rng?: Rng | number;
}

/**
 * q(x | y) = N(eta1(y), exp(eta2(y))^2) with two MLPs: eta1 the mean, eta2 the
 * log-std head (positive std by exp) (note-2's inference network).
 */
export class MlpNormalGuide extends NormalGuide {
  readonly meanNet: MLP;
  readonly logStdNet: MLP;

  constructor({ obsDim = 1, dim = 1, hidden = [16, 16], activation = "tanh", site = "x", rng = 0 }: MlpNormalGuideOptions = {}) {
    assertInteger("obsDim", obsDim, 1);
    assertInteger("dim", dim, 1);
    const specs = new ParamSpecs();
    const meanNet = new MLP([obsDim, ...hidden, dim], { activation, specs: specs.scope("mean") });
    const logStdNet = new MLP([obsDim, ...hidden, dim], { activation, specs: specs.scope("logStd") });
    const store = specs.build(rng instanceof Rng ? rng : new Rng(rng));
    super(site, store, (batch) => ({ mean: meanNet.forward(batch.obs), logStd: logStdNet.forward(batch.obs) }));
    this.meanNet = meanNet;
    this.logStdNet = logStdNet;
  }
}
