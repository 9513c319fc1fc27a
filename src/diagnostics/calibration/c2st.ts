// Classifier two-sample test as sbibm defines it (Lueckmann, Boelts, Greenberg,
// Gonçalves & Macke 2021, "Benchmarking simulation-based inference", AISTATS;
// sbibm/metrics/c2st.py; Lopez-Paz & Oquab 2017, "Revisiting classifier
// two-sample tests"): the cross-validated accuracy of a classifier told to
// separate reference samples (label 0) from the samples under test (label 1).
// 0.5: indistinguishable (the best value); 1: fully separated.
//
// sbibm's settings, followed here: inputs z-scored by the reference sample's
// mean and (unbiased) sd; MLPClassifier(activation="relu",
// hidden_layer_sizes=(10 dim, 10 dim), max_iter=10000, solver="adam",
// random_state=seed) with sklearn's other defaults (lr 1e-3, batch min(200, n),
// alpha 1e-4, tol 1e-4, n_iter_no_change 10, no early_stopping: the stop rule
// watches the training loss), in float32 as sbibm's float32 inputs make it;
// KFold(n_splits=5, shuffle=True); mean accuracy over the folds; seed 1.
// Differences: the random streams (Philox here, numpy's Mersenne Twister
// there), so folds, initial weights and batches differ draw for draw; Adam adds
// eps to sqrt(v-hat) where sklearn adds it to sqrt(v) with the bias correction
// folded into the step (a 1e-8-level difference); sklearn's optional noise_scale
// is not implemented.
import { DomainError, NonFiniteError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { tidy } from "../../core/scope.js";
import { toMatrix, type Matrix, type Rows } from "./draws.js";
import { trainMlpClassifier, type MlpClassifierOptions } from "./mlp-classifier.js";

export interface C2stOptions {
  /** Seed of folds, initialization and batches. Default 1 (sbibm's). */
  seed?: number;
  /** Cross-validation folds. Default 5. */
  folds?: number;
  /** z-score both samples by the reference sample's mean and sd. Default true. */
  zScore?: boolean;
  /** Classifier settings other than the architecture (e.g. maxEpochs); hidden defaults to [10 dim, 10 dim]. */
  classifier?: Partial<MlpClassifierOptions>;
}

export interface C2stResult {
  /** Mean held-out accuracy over the folds: 0.5 perfect, 1 fully separable. */
  accuracy: number;
  foldAccuracies: Float64Array;
  /** Training epochs per fold. */
  epochs: Int32Array;
  /** Standard error of the accuracy when the samples agree: sqrt(0.25 / (n + m)) (every point is held out once). */
  nullStandardError: number;
}

function zScored(m: Matrix, meanV: Float64Array, sd: Float64Array): Matrix {
  const d = m.cols;
  return { rows: m.rows, cols: d, data: m.data.map((v, j) => (v - meanV[j % d]) / sd[j % d]) };
}

/** The rows of m at idx. */
function pick(m: Matrix, idx: Int32Array): Matrix {
  const d = m.cols;
  const data = new Float64Array(idx.length * d);
  idx.forEach((r, i) => data.set(m.data.subarray(r * d, (r + 1) * d), i * d));
  return { rows: idx.length, cols: d, data };
}

/**
 * C2ST accuracy (sbibm's c2st): 5-fold cross-validated accuracy of an MLP
 * (two hidden layers of 10 x dim ReLU units, Adam) separating `reference`
 * (label 0) from `samples` (label 1), inputs z-scored by the reference.
 */
export function c2st(reference: Rows, samples: Rows, options: C2stOptions = {}): C2stResult {
  assertKnownOptions("options", options, ["seed", "folds", "zScore", "classifier"]);
  const X = toMatrix("reference", reference, { minRows: 2 });
  const Y = toMatrix("samples", samples, { minRows: 2, cols: X.cols });
  const d = X.cols;
  const seed = options.seed ?? 1;
  const folds = options.folds ?? 5;
  const n = X.rows + Y.rows;
  assertInteger("folds", folds, 2);
  if (folds > n) throw new DomainError("folds", `at most ${n} folds (the number of points)`, String(folds));
  assertKnownOptions("options.classifier", options.classifier, ["hidden", "activation", "lr", "batchSize", "alpha", "maxEpochs", "tol", "patience", "precision"]);
  let pooled: Matrix = { rows: n, cols: d, data: new Float64Array(n * d) };
  pooled.data.set(X.data);
  pooled.data.set(Y.data, X.data.length);
  if (options.zScore !== false) {
    const meanV = new Float64Array(d);
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < d; k++) meanV[k] += X.data[i * d + k];
    meanV.forEach((s, k) => (meanV[k] = s / X.rows));
    const sd = new Float64Array(d);
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < d; k++) sd[k] += (X.data[i * d + k] - meanV[k]) ** 2 / (X.rows - 1);
    sd.forEach((v, k) => {
      sd[k] = Math.sqrt(v);
      // a constant column leaves only rounding in its sd
      if (!(sd[k] > 1e-12 * Math.abs(meanV[k]))) throw new DomainError("reference", "a spread in every coordinate (to z-score by it)", `sd ${sd[k]} in column ${k}`);
    });
    pooled = zScored(pooled, meanV, sd);
  }
  const labels = Float64Array.from({ length: n }, (_, i) => (i < X.rows ? 0 : 1));
  const classifier: MlpClassifierOptions = { hidden: [10 * d, 10 * d], ...options.classifier };
  const rng = new Rng(seed);
  // KFold(shuffle=True): one permutation, the first n % folds folds one larger
  const order = rng.fork(0).permutation(n);
  const foldAccuracies = new Float64Array(folds);
  const epochs = new Int32Array(folds);
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    const test = order.slice(start, start + size);
    const train = Int32Array.from([...order.subarray(0, start), ...order.subarray(start + size)]);
    start += size;
    const trainLabels = Float64Array.from(train, (i) => labels[i]);
    tidy(() => {
      const model = trainMlpClassifier(pick(pooled, train), trainLabels, classifier, rng.fork(f + 1));
      try {
        const logits = model.logits(pick(pooled, test));
        let correct = 0;
        logits.forEach((l, j) => {
          if (!Number.isFinite(l)) throw new NonFiniteError("classifier", "finite logits", `${l} on fold ${f}`);
          if ((l > 0 ? 1 : 0) === labels[test[j]]) correct++;
        });
        foldAccuracies[f] = correct / test.length;
        epochs[f] = model.epochs;
      } finally {
        model.dispose();
      }
    });
  }
  return {
    accuracy: foldAccuracies.reduce((s, a) => s + a, 0) / folds,
    foldAccuracies,
    epochs,
    nullStandardError: Math.sqrt(0.25 / n),
  };
}
