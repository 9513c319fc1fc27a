import { add, mul } from "../../../autodiff/ops/binary.js";
import { cos, sin } from "../../../autodiff/ops/trig.js";
import { Normal } from "../../../distributions/normal.js";
import { defineModel, type ProbModel } from "../../../model/model.js";

/**
 * avi-nonlinear (Margossian & Blei): theta ~ N(0, 1), z_n ~ N(0, 1),
 * x_n ~ N(theta + z_n + z_n sin z_n, exp(cos z_n)^2), i.e.
 * x_n = theta + z_n + z_n sin(z_n) + exp(cos z_n) eps_n. The likelihood keeps
 * its -cos z_n normalizing term (the study's reference code drops it).
 * Simulate with a given theta by sampleJoint(n, rng, { values: { theta } }).
 */
export function nonlinearModel(): ProbModel {
  return defineModel("avi-nonlinear", (m) => {
    const theta = m.sample("theta", new Normal(0, 1));
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", Normal.fromLogStd(add(add(z, mul(z, sin(z))), theta), cos(z)));
    });
  });
}

/** Per-datapoint constant of the -ELBO (1/2 log 2 pi), dropped by the study's "-ELBO without constants". */
export const NONLINEAR_NEG_ELBO_CONSTANT = 0.5 * Math.log(2 * Math.PI);
