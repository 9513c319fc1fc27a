import { assertInteger, assertKnownOptions, DomainError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { expectedCoverage, type CoverageResult } from "../diagnostics/calibration/coverage.js";
import { simulationBasedCalibration, type SbcResult } from "../diagnostics/calibration/sbc.js";
import { posteriorZScoreContraction, type ZScoreContractionResult } from "../diagnostics/calibration/z-score-contraction.js";
import { tarpCoverage, type TarpResult } from "../diagnostics/calibration/tarp.js";
import type { AmortizedPosterior, Simulator } from "./posterior.js";
import { simulatePairs } from "./posterior.js";

export interface CalibrationOptions {
  /** Fresh simulations (theta_i, x_i) from the prior predictive. Default: 200. */
  simulations?: number;
  /** Posterior draws per simulation. Default: 100. */
  draws?: number;
  seed?: number;
}

/** The calibration checks of one posterior, each with its verdict. */
export interface CalibrationReport {
  sbc: SbcResult;
  /** Highest-density regions ordered by the posterior's own logProb. */
  coverage: CoverageResult;
  tarp: TarpResult;
  zScore: ZScoreContractionResult;
  /** One line per check: what it says. */
  verdicts: string[];
  calibrated: boolean;
}

/**
 * Checks an amortized posterior against fresh simulations (theta_i ~ p(theta),
 * x_i ~ p(x | theta_i)): simulation-based calibration (Talts et al. 2018, with
 * Säilynoja et al.'s simultaneous ECDF bands), expected coverage of its HPD
 * regions, TARP (Lemos et al. 2023), and per-parameter z-scores and
 * contraction. A posterior that is calibrated on average passes all of them;
 * an over-confident one fails SBC and under-covers.
 */
export function calibrate(posterior: Pick<AmortizedPosterior, "sample" | "logProb">, simulator: Simulator, options: CalibrationOptions = {}): CalibrationReport {
  assertKnownOptions("options", options, ["simulations", "draws", "seed"]);
  if (!posterior || typeof posterior.sample !== "function") throw new DomainError("posterior", "an AmortizedPosterior (amortizedPosterior(...))", String(posterior));
  const N = options.simulations ?? 200;
  const L = options.draws ?? 100;
  assertInteger("simulations", N, 2);
  assertInteger("draws", L, 1);
  const rng = new Rng(options.seed ?? 0);
  const { theta, x } = simulatePairs(simulator, N, rng.fork(1));
  const thetaRows = Array.from({ length: theta.rows }, (_, i) => Array.from(theta.data.subarray(i * theta.cols, (i + 1) * theta.cols)));
  const xs = Array.from({ length: x.rows }, (_, i) => x.data.subarray(i * x.cols, (i + 1) * x.cols));
  const drawRng = rng.fork(2);
  const samples = xs.map((xi) => posterior.sample(L, xi, drawRng));
  const sbc = simulationBasedCalibration(thetaRows, samples, { rng: rng.fork(3) });
  const coverage = expectedCoverage(thetaRows, samples, { kind: "hpd", logProb: (points, i) => posterior.logProb(points, xs[i]) });
  const tarp = tarpCoverage(thetaRows, samples, { rng: rng.fork(4) });
  const zScore = posteriorZScoreContraction(thetaRows, samples);
  const verdicts = [
    `SBC (${N} simulations, ${L} draws): ${sbc.calibrated ? "every parameter's rank ECDF inside its 95% simultaneous band" : `outside the band for ${sbc.parameters.filter((p) => !p.calibrated).map((p) => p.name).join(", ")}`}`,
    `HPD coverage: ${coverage.calibrated ? "within the band at every level" : "outside the band"}`,
    `TARP: ${tarp.calibrated ? "expected coverage within the band" : "outside the band"}`,
    `z-scores: rms ${zScore.parameters.map((p) => `${p.name} ${p.rmsZ.toFixed(2)}`).join(", ")} (about 1 when calibrated)`,
  ];
  return { sbc, coverage, tarp, zScore, verdicts, calibrated: sbc.calibrated && coverage.calibrated && tarp.calibrated };
}
