import { add, mul, sub } from "../../autodiff/ops/binary.js";
import { reshape, sliceCols } from "../../autodiff/ops/shape.js";
import { scale, sigmoid, tanh } from "../../autodiff/ops/unary.js";
import { assertInteger, assertKnownOptions } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { Linear } from "../../nn/linear.js";
import { checkChoice, checkSummaryInput, splitInput, type SummaryNet } from "./summary.js";

export interface GruOptions {
  /** Hidden units H (the summary's output size). */
  hidden: number;
  /** Values per time step C_in of the input row (time-major). Default: 1. */
  inChannels?: number;
  /** The last hidden state h_T, or the mean of h_1..h_T. Default: "last". */
  output?: "last" | "mean";
}

/**
 * A gated recurrent unit over a sequence row (T steps of C_in values,
 * time-major; Cho et al. 2014, in the form of cuDNN / PyTorch nn.GRU), h_0 = 0:
 *   r_t = sigmoid(W_r x_t + b_r + U_r h_{t-1} + c_r)
 *   z_t = sigmoid(W_z x_t + b_z + U_z h_{t-1} + c_z)
 *   n_t = tanh(W_n x_t + b_n + r_t * (U_n h_{t-1} + c_n))
 *   h_t = (1 - z_t) n_t + z_t h_{t-1}
 * The input projections of all T steps are one dense call ([B T, C_in] ->
 * [B T, 3H]); each step is one recurrent dense call and a few elementwise
 * ops. Parameters: `input.weight` [C_in, 3H], `input.bias`, `recurrent.weight`
 * [H, 3H], `recurrent.bias` (columns r, z, n).
 */
export function gru(options: GruOptions): SummaryNet {
  assertKnownOptions("options", options, ["hidden", "inChannels", "output"]);
  const { hidden: H, inChannels = 1, output = "last" } = options ?? ({} as GruOptions);
  assertInteger("hidden", H, 1);
  assertInteger("inChannels", inChannels, 1);
  checkChoice("output", output, ["last", "mean"]);
  return {
    name: `GRU hidden ${H} ${output}`,
    build(specs, inputSize) {
      const T = splitInput("gru", inputSize, inChannels, "inChannels");
      const input = new Linear(inChannels, 3 * H, { specs: specs.scope("input") });
      const recurrent = new Linear(H, 3 * H, { specs: specs.scope("recurrent") });
      return {
        outputSize: H,
        forward(x) {
          checkSummaryInput("gru", x, inputSize);
          const B = x.rows;
          // row b holds (W x_1 + b, ..., W x_T + b) of sequence b
          const gx = reshape(input.forward(reshape(x, [B * T, inChannels])), [B, T * 3 * H]);
          let h = Tensor.zeros([B, H], "arena", x.rt);
          let total: Tensor | null = null;
          for (let t = 0; t < T; t++) {
            const gh = recurrent.forward(h);
            const rz = sigmoid(add(sliceCols(gx, 3 * H * t, 3 * H * t + 2 * H), sliceCols(gh, 0, 2 * H)));
            const r = sliceCols(rz, 0, H);
            const z = sliceCols(rz, H, 2 * H);
            const n = tanh(add(sliceCols(gx, 3 * H * t + 2 * H, 3 * H * (t + 1)), mul(r, sliceCols(gh, 2 * H, 3 * H))));
            h = add(n, mul(z, sub(h, n)));
            if (output === "mean") total = total ? add(total, h) : h;
          }
          return output === "mean" ? scale(total!, 1 / T) : h;
        },
      };
    },
  };
}
