import type { Activation } from "../../autodiff/ops/linalg.js";
import { convOutputLength, patches1d } from "../../autodiff/ops/segments.js";
import { reshape } from "../../autodiff/ops/shape.js";
import { DomainError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import { Linear } from "../../nn/linear.js";
import { checkActivation, checkChoice, checkSummaryInput, splitInput, poolSegments, type Pooling, type SummaryNet } from "./summary.js";

export interface Conv1dOptions {
  /** Output channels of each layer, or one count for every layer. */
  channels: number | readonly number[];
  /** Taps K of every layer's filters. */
  kernel: number;
  /** Step between filter positions. Default: 1. */
  stride?: number;
  /** Zeros added at both ends of each layer's input (< kernel; (K - 1) / 2 keeps the length at stride 1 and odd K). Default: 0. */
  padding?: number;
  /** Layers (with a single channel count). Default: channels.length, or 1. */
  layers?: number;
  /** Values per time step C_in of the input row (time-major: step t is values t C_in .. t C_in + C_in - 1). Default: 1. */
  inChannels?: number;
  /** Activation after each layer. Default: "relu". */
  activation?: Activation;
  /** Global pooling over time of the last layer ("flatten" keeps every position: not shift invariant). Default: "mean". */
  pool?: Pooling | "flatten";
}

const OPTIONS = ["channels", "kernel", "stride", "padding", "layers", "inChannels", "activation", "pool"];

/** Channel count of each layer from `channels` and `layers`. */
function layerChannels(channels: number | readonly number[], layers: number | undefined): number[] {
  if (layers !== undefined) assertInteger("layers", layers, 1);
  if (typeof channels === "number") {
    assertInteger("channels", channels, 1);
    return Array.from({ length: layers ?? 1 }, () => channels);
  }
  if (!Array.isArray(channels) || channels.length === 0) throw new DomainError("channels", "a channel count or a non-empty array of them", JSON.stringify(channels) ?? String(channels));
  channels.forEach((c, i) => assertInteger(`channels[${i}]`, c, 1));
  if (layers !== undefined && layers !== channels.length) throw new DomainError("layers", `${channels.length} (the length of channels) or omitted`, String(layers));
  return channels.slice();
}

/**
 * A 1-D convolutional summary of a sequence row (T steps of C_in values,
 * time-major): each layer h_{l+1}[t] = act(b + sum_{j<K} W_j h_l[t s - p + j])
 * (LeCun et al. 1998), computed as im2col (patches1d) and one dense call, then
 * global average (or sum) pooling over time (Lin et al. 2014), which makes
 * the summary invariant to shifts of a pattern in the sequence (up to the
 * ends). Layer l's parameters are `l.weight` [K C_l, C_{l+1}] and `l.bias`.
 */
export function conv1d(options: Conv1dOptions): SummaryNet {
  assertKnownOptions("options", options, OPTIONS);
  const o = options ?? ({} as Conv1dOptions);
  const { kernel, stride = 1, padding = 0, inChannels = 1, activation = "relu", pool = "mean" } = o;
  assertInteger("kernel", kernel, 1);
  assertInteger("stride", stride, 1);
  assertInteger("padding", padding, 0);
  if (padding >= kernel) throw new DomainError("padding", `an integer < kernel = ${kernel}`, String(padding));
  assertInteger("inChannels", inChannels, 1);
  checkActivation("activation", activation);
  checkChoice("pool", pool, ["mean", "sum", "flatten"]);
  const channels = layerChannels(o.channels, o.layers);
  const init = activation === "relu" || activation === "leakyRelu" ? "heNormal" : "glorotUniform";
  return {
    name: `conv1d channels [${channels}] kernel ${kernel} stride ${stride} ${pool}`,
    build(specs, inputSize) {
      const T = splitInput("conv1d", inputSize, inChannels, "inChannels");
      const layers: { length: number; channels: number; outLength: number; linear: Linear }[] = [];
      let length = T;
      let C = inChannels;
      channels.forEach((Cout, l) => {
        if (kernel > length + 2 * padding) {
          throw new DomainError("kernel", `at most ${length + 2 * padding}, the padded length of layer ${l}'s input (T = ${length}, padding ${padding})`, String(kernel));
        }
        const outLength = convOutputLength(length, kernel, stride, padding);
        layers.push({ length, channels: C, outLength, linear: new Linear(kernel * C, Cout, { specs: specs.scope(String(l)), init }) });
        [length, C] = [outLength, Cout];
      });
      const last = layers[layers.length - 1];
      return {
        outputSize: pool === "flatten" ? last.outLength * last.linear.nOut : last.linear.nOut,
        forward(x) {
          checkSummaryInput("conv1d", x, inputSize);
          const B = x.rows;
          let h = x;
          for (const layer of layers) {
            const patches = patches1d(h, { length: layer.length, channels: layer.channels, kernel, stride, padding });
            // [B L, C_out] is time-major again: row b of [B, L C_out] is sequence b
            h = layer.linear.forward(patches, activation);
            if (layer !== last || pool === "flatten") h = reshape(h, [B, layer.outLength * layer.linear.nOut]);
          }
          return pool === "flatten" ? h : poolSegments(h, last.outLength, pool);
        },
      };
    },
  };
}
