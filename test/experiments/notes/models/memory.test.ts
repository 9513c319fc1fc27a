// A training step on a note model (draws from the joint, the log joint of a
// guide's values, the gradient) allocates no persistent memory: the
// distributions built inside the model function live in the step's arena.
import { describe, expect, it } from "vitest";
import { Rng, runtime, valueAndGrad, sum } from "../../../../src/index.js";
import { engineModel } from "../../../../src/low-level.js";
import { discreteContinuousModel, gaussianGaussianModel, mixturePriorModel, openUniverseModel } from "../../../../src/experiments/index.js";

const heapTop = () => (runtime() as unknown as { top: number }).top;

describe("note models: no persistent allocation per step", () => {
  for (const [name, model] of [
    ["note-1", gaussianGaussianModel()],
    ["note-2", mixturePriorModel()],
    ["note-3", discreteContinuousModel()],
    ["note-4", openUniverseModel()],
  ] as const) {
    it(`${name}: 500 steps of sampleJoint + logJoint under valueAndGrad leave the heap where it was`, () => {
      const engine = engineModel(model);
      const rng = new Rng(1);
      const step = () => valueAndGrad(() => {
        const { values, batch } = engine.sampleJoint!(16, rng);
        return sum(engine.logJoint(values, batch));
      });
      step();
      const before = heapTop();
      for (let i = 0; i < 500; i++) step();
      expect(heapTop()).toBe(before);
    });
  }
});
