import { describe, expect, test } from "vitest";
import { DomainError, UnknownNameError } from "../../../src/core/errors.js";
import { priorOnlyBaseline, quadratureLogLikelihood } from "../../../src/diagnostics/vae.js";
import { iwaeBound } from "../../../src/infer/objectives/importance-weighted.js";
import { guideOnly, joint, modelOnly, updating } from "../../../src/train/schedules/joint.js";
import { curveData, fitVae, mapaOf, smallVae } from "../helpers.js";

const data = curveData(400, 1);
const testX = curveData(150, 3);
const baseline = priorOnlyBaseline(data, testX).mean;

describe("schedules of fit: joint, model only (fixed posterior), guide only", () => {
  test.each([
    ["joint (ELBO)", () => ({})],
    ["joint (IWAE K = 5)", () => ({ objective: iwaeBound({ particles: 5 }) })],
    ["model only against a fixed posterior (MAPA's schedule)", () => ({ guide: mapaOf(data), objective: iwaeBound({ particles: 5 }), schedule: modelOnly("mapa") })],
  ] as [string, () => object][])("%s beats the prior-only baseline's test log-likelihood", (_, make) => {
    const v = smallVae();
    const before = quadratureLogLikelihood(v.model, testX).mean;
    const r = fitVae(v, data, { epochs: 30, batchSize: 40, lr: 5e-3, rng: 4, ...make() });
    const after = quadratureLogLikelihood(v.model, testX).mean;
    expect(r.diverged).toBeNull();
    expect(r.steps).toBe(300);
    expect(r.epochs).toBe(30);
    expect(before).toBeLessThan(baseline);
    expect(after).toBeGreaterThan(baseline + 0.1);
  });

  test("model only: the encoder is untouched, every update is the decoder's; guide only: the decoder is untouched", () => {
    const v = smallVae();
    const enc = v.encoderParams.values.toArray();
    const r = fitVae(v, data, { epochs: 2, batchSize: 40, rng: 2, schedule: modelOnly() });
    expect(v.encoderParams.values.toArray()).toEqual(enc);
    expect(r.schedule).toMatchObject({ schedule: "model only", guideUpdates: 0, modelUpdates: 20 });
    const dec = v.decoderParams.values.toArray();
    const g = fitVae(v, data, { epochs: 2, batchSize: 40, rng: 2, schedule: guideOnly() });
    expect(v.decoderParams.values.toArray()).toEqual(dec);
    expect(v.encoderParams.values.toArray()).not.toEqual(enc);
    expect(g.schedule).toMatchObject({ guideUpdates: 20, modelUpdates: 0 });
    const j = fitVae(v, data, { epochs: 1, batchSize: 40, rng: 2, schedule: joint() });
    expect(j.schedule).toMatchObject({ schedule: "joint", guideUpdates: 10, modelUpdates: 10, innerSteps: [] });
  });

  test("bad input: an unknown target; updating a group without parameters", () => {
    expect(() => updating("decoder" as never)).toThrow(UnknownNameError);
    const v = smallVae();
    expect(() => fitVae(v, data, { iterations: 1, guide: mapaOf(data), schedule: guideOnly() })).toThrow(DomainError);
    expect(() => fitVae(v, data, { iterations: 1, guide: mapaOf(data), schedule: guideOnly() })).toThrow(/guide/);
  });
});
