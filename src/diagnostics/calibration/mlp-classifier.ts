// A binary MLP classifier trained the way scikit-learn's MLPClassifier trains
// (solver "adam", its defaults), with amortvi's MLP (src/nn/mlp.ts), Adam
// (src/optim/adam.ts) and the tape: the classifier of C2ST (c2st.ts). The loop
// is here, not in train/fit.ts, because diagnostics sit below train/ in the
// layers; it is the few lines of sklearn's _fit_stochastic and nothing else.
import { add } from "../../autodiff/ops/binary.js";
import { bernoulliLogProb } from "../../autodiff/ops/gaussian.js";
import { gatherRows } from "../../autodiff/ops/gather.js";
import { mean, sum } from "../../autodiff/ops/reduce.js";
import { neg, scale, square } from "../../autodiff/ops/unary.js";
import { noGrad, valueAndGrad } from "../../autodiff/tape.js";
import type { Activation, Precision } from "../../autodiff/ops/linalg.js";
import { assertInteger, assertPositive } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Tensor } from "../../core/tensor.js";
import { MLP } from "../../nn/mlp.js";
import { Adam } from "../../optim/adam.js";
import type { Matrix } from "./draws.js";

/** Settings of sklearn.neural_network.MLPClassifier (solver "adam") that the C2ST classifier follows. */
export interface MlpClassifierOptions {
  /** Hidden layer sizes (sklearn's hidden_layer_sizes). */
  hidden: readonly number[];
  /** Hidden activation. Default "relu". */
  activation?: Activation;
  /** learning_rate_init. Default 1e-3. */
  lr?: number;
  /** batch_size = min(200, n) by default. */
  batchSize?: number;
  /** L2 penalty alpha: loss += alpha / (2 B) sum ||W||^2 over the weights (not biases). Default 1e-4. */
  alpha?: number;
  /** max_iter, in epochs. Default 10,000 (sbibm's setting; sklearn's default is 200). */
  maxEpochs?: number;
  /** tol: an epoch improves when its loss is below the best by more than tol. Default 1e-4. */
  tol?: number;
  /** n_iter_no_change: stop after more than this many epochs without improvement. Default 10. */
  patience?: number;
  /**
   * Arithmetic of the layers (nn/mlp.ts). Default "f32": sbibm hands sklearn
   * float32 arrays (torch tensors' .numpy()), which MLPClassifier keeps, and
   * the f32 dense kernels run 2-3x faster here.
   */
  precision?: Precision;
}

export interface TrainedClassifier {
  mlp: MLP;
  /** Epochs run (sklearn's n_iter_). */
  epochs: number;
  /** Mean training loss of the last epoch (cross-entropy + L2 term). */
  loss: number;
  /** Logits of P(label 1 | x) for the rows of x (no gradient). */
  logits(x: Matrix): Float64Array;
  /** Frees the parameters and the optimizer state. */
  dispose(): void;
}

/**
 * Trains p(y = 1 | x) = sigmoid(MLP(x)) on labels y in {0, 1} by minibatch
 * Adam on the mean cross-entropy + alpha / (2 B) sum ||W||^2, reshuffling each
 * epoch, until the epoch loss has not improved by tol for more than `patience`
 * epochs (sklearn's stopping rule without early_stopping) or maxEpochs.
 * Initialization as sklearn: weights and biases U(-a, a), a = sqrt(6 / (fanIn + fanOut)).
 * Call inside tidy(): each step resets the innermost arena scope.
 */
export function trainMlpClassifier(x: Matrix, labels: Float64Array, options: MlpClassifierOptions, rng: Rng): TrainedClassifier {
  const n = x.rows;
  const { hidden } = options;
  const batchSize = Math.min(options.batchSize ?? 200, n);
  assertInteger("batchSize", batchSize, 1);
  const alpha = options.alpha ?? 1e-4;
  const maxEpochs = options.maxEpochs ?? 10_000;
  assertInteger("maxEpochs", maxEpochs, 1);
  const tol = options.tol ?? 1e-4;
  const patience = options.patience ?? 10;
  assertInteger("patience", patience, 0);
  const lr = options.lr ?? 1e-3;
  assertPositive("lr", lr);
  const mlp = new MLP([x.cols, ...hidden, 1], {
    activation: options.activation ?? "relu",
    init: "glorotUniform",
    precision: options.precision ?? "f32",
    rng: rng.fork(0),
  });
  for (const layer of mlp.layers) {
    const b = layer.bias!.tensor;
    const a = Math.sqrt(6 / (layer.nIn + layer.nOut));
    rng.fillUniform(b.ptr, b.size);
    const v = b.view();
    for (let i = 0; i < v.length; i++) v[i] = (2 * v[i] - 1) * a;
  }
  const optimizer = new Adam(mlp, { lr });
  const data = Tensor.from(x.data, [n, x.cols], "persistent");
  const target = Tensor.from(labels, [n, 1], "persistent");
  let best = Infinity;
  let stale = 0;
  let epochs = 0;
  let loss = NaN;
  try {
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      const order = rng.permutation(n);
      let total = 0;
      for (let start = 0; start < n; start += batchSize) {
        const idx = order.slice(start, Math.min(n, start + batchSize));
        const B = idx.length;
        total +=
          B *
          valueAndGrad(() => {
            const nll = neg(mean(bernoulliLogProb(gatherRows(target, idx), mlp.forward(gatherRows(data, idx)))));
            if (alpha === 0) return nll;
            const l2 = mlp.layers.map((l) => sum(square(l.weight.tensor))).reduce((s, t) => add(s, t));
            return add(nll, scale(l2, alpha / (2 * B)));
          });
        optimizer.step();
      }
      epochs = epoch + 1;
      loss = total / n;
      stale = loss > best - tol ? stale + 1 : 0;
      best = Math.min(best, loss);
      if (stale > patience) break;
    }
  } finally {
    data.dispose();
    target.dispose();
  }
  return {
    mlp,
    epochs,
    loss,
    logits: (m: Matrix) => noGrad(() => mlp.forward(Tensor.from(m.data, [m.rows, m.cols])).toFloat64Array()),
    dispose: () => {
      optimizer.dispose();
      mlp.params.dispose();
    },
  };
}
