// Plain-JS dense(x, W, b, activation, slope) used only while the Wasm dense op
// of src/autodiff/ops/linalg.ts is not merged into this branch (see vi.mock in
// the nn tests: the real op wins as soon as it exists).
import { Tensor } from "../../src/core/tensor.js";
import { gradOf, record } from "../../src/autodiff/tape.js";

type Act = "identity" | "tanh" | "relu" | "leakyRelu" | "softplus" | "sigmoid";

function act(a: Act, z: number, slope: number): [number, number] {
  switch (a) {
    case "identity":
      return [z, 1];
    case "tanh": {
      const y = Math.tanh(z);
      return [y, 1 - y * y];
    }
    case "relu":
      return [Math.max(z, 0), z > 0 ? 1 : 0];
    case "leakyRelu":
      return [z > 0 ? z : slope * z, z > 0 ? 1 : slope];
    case "softplus": {
      const s = 1 / (1 + Math.exp(-z));
      return [Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), s];
    }
    case "sigmoid": {
      const s = 1 / (1 + Math.exp(-z));
      return [s, s * (1 - s)];
    }
  }
}

export function fallbackDense(x: Tensor, W: Tensor, b: Tensor | null, activation: Act = "identity", slope = 0.01): Tensor {
  const [B, nIn] = [x.rows, x.cols];
  const nOut = W.shape[1];
  const xv = x.toArray();
  const wv = W.toArray();
  const bv = b ? b.toArray() : null;
  const y = new Float64Array(B * nOut);
  const dz = new Float64Array(B * nOut);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < nOut; j++) {
      let z = bv ? bv[j] : 0;
      for (let k = 0; k < nIn; k++) z += xv[i * nIn + k] * wv[k * nOut + j];
      [y[i * nOut + j], dz[i * nOut + j]] = act(activation, z, slope);
    }
  }
  const out = Tensor.from(y, [B, nOut]);
  return record(out, [x, W, b], (gOut) => {
    const g = gOut.toArray().map((v, i) => v * dz[i]);
    if (x.requiresGrad) {
      const dx = gradOf(x).view();
      for (let i = 0; i < B; i++) for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) dx[i * nIn + k] += g[i * nOut + j] * wv[k * nOut + j];
    }
    if (W.requiresGrad) {
      const dw = gradOf(W).view();
      for (let i = 0; i < B; i++) for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) dw[k * nOut + j] += xv[i * nIn + k] * g[i * nOut + j];
    }
    if (b && b.requiresGrad) {
      const db = gradOf(b).view();
      for (let i = 0; i < B; i++) for (let j = 0; j < nOut; j++) db[j] += g[i * nOut + j];
    }
  });
}
