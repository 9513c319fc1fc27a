// GFLOP/s of the gemm kernels (one thread) on the shapes the models use,
// f64 (gemmXX) next to f32 (gemm32XX, "32" columns).
// Usage: node scripts/build-wasm.mjs && node bench/kernels.mjs [M,K,N ...]
// (shapes on the command line replace the default list and skip the dense rows)
import { readFileSync } from "node:fs";

const bytes = readFileSync(new URL("../build/kernels.wasm", import.meta.url));
const { instance } = await WebAssembly.instantiate(bytes, { env: { abort() { throw new Error("abort"); } } });
const k = instance.exports;

let top = (k.heapBase() + 15) & ~15;
function alloc(n) {
  const ptr = top;
  top += ((n * 8 + 15) & ~15);
  const need = top - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
  const v = new Float64Array(k.memory.buffer, ptr, n);
  for (let i = 0; i < n; i++) v[i] = Math.random() - 0.5;
  return ptr;
}

/** n random f32 (16-byte aligned). */
function alloc32(n) {
  const ptr = alloc((n + 1) >> 1);
  const v = new Float32Array(k.memory.buffer, ptr, n);
  for (let i = 0; i < n; i++) v[i] = Math.random() - 0.5;
  return ptr;
}

/** Best-of-9 GFLOP/s of `fn` doing `flops` per call, after a warm-up (best, not median: the machine is shared). */
function measure(fn, flops) {
  const reps = Math.max(1, Math.round(2e8 / flops));
  for (let i = 0; i < reps * 3; i++) fn();
  const rates = [];
  for (let r = 0; r < 9; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push((flops * reps) / s / 1e9);
  }
  rates.sort((a, b) => a - b);
  return rates[8];
}

const shapes = [
  [128, 784, 256],
  [256, 256, 256],
  [128, 256, 784],
  [100, 10, 50],
  [100, 50, 10],
  [128, 256, 2],
  [128, 256, 16],
  [128, 2, 256],
  [128, 16, 256],
  [128, 4, 256],
  [128, 8, 256],
  [128, 32, 256],
  [128, 64, 784],
  [784, 128, 256],
  [256, 128, 784],
];
const only = process.argv.slice(2).map((s) => s.split(/[,x]/).map(Number));
if (only.length) shapes.splice(0, shapes.length, ...only);
const rows = [];
const rate = (fn, flops) => +measure(fn, flops).toFixed(2);
/** f64 and f32 GFLOP/s of the variants in `which` (default all) on M x K x N. */
function gemmRow(label, M, K, N, which = ["NN", "NT", "TN"]) {
  const flops = 2 * M * K * N;
  const scratch = alloc(K * N);
  const a = alloc(M * K), b = alloc(K * N), bt = alloc(N * K), at = alloc(K * M), c = alloc(M * N);
  const a32 = alloc32(M * K), b32 = alloc32(K * N), bt32 = alloc32(N * K), at32 = alloc32(K * M), c32 = alloc32(M * N);
  const scratch32 = k.gemm32NTScratchSize(K, N) > 0 ? alloc32(k.gemm32NTScratchSize(K, N)) : 0;
  const row = { "M x K x N": label ?? `${M} x ${K} x ${N}` };
  if (which.includes("NN")) {
    row.NN = rate(() => k.gemmNN(a, b, c, M, K, N, 0), flops);
    row.NN32 = rate(() => k.gemm32NN(a32, b32, c32, M, K, N, 0), flops);
  }
  if (which.includes("NT")) {
    row.NT = rate(() => k.gemmNT(a, bt, c, M, K, N, 1, 0), flops);
    row.NT32 = rate(() => k.gemm32NT(a32, bt32, c32, M, K, N, 1, 0), flops);
    row["NT+s"] = rate(() => k.gemmNT(a, bt, c, M, K, N, 1, scratch), flops);
    row["NT32+s"] = rate(() => k.gemm32NT(a32, bt32, c32, M, K, N, 1, scratch32), flops);
  }
  if (which.includes("TN")) {
    row.TN = rate(() => k.gemmTN(at, b, c, M, K, N, 1), flops);
    row.TN32 = rate(() => k.gemm32TN(at32, b32, c32, M, K, N, 1), flops);
  }
  return row;
}
for (const [M, K, N] of shapes) rows.push(gemmRow(null, M, K, N));
// the products of the dense backward pass: dX = dpre W^T (NT: B x nOut x nIn), dW = x^T dpre (TN: nIn x B x nOut)
for (const [B, nIn, nOut] of only.length ? [] : [[128, 784, 256], [128, 256, 32], [128, 16, 256], [128, 256, 784], [100, 10, 50], [100, 50, 4], [100, 2, 50], [100, 50, 10]]) {
  rows.push(gemmRow(`dX ${B}:${nIn}->${nOut} ${B}x${nOut}x${nIn}`, B, nOut, nIn, ["NT"]));
  rows.push(gemmRow(`dW ${B}:${nIn}->${nOut} ${nIn}x${B}x${nOut}`, nIn, B, nOut, ["TN"]));
}
if (k.denseForward && !only.length) {
  const codes = { identity: 0, tanh: 1, relu: 2 };
  for (const [B, nIn, nOut, act] of [[128, 784, 256, "tanh"], [100, 10, 50, "tanh"], [100, 10, 50, "relu"], [128, 256, 16, "tanh"], [128, 256, 2, "identity"]]) {
    const flops = 2 * B * nIn * nOut;
    const x = alloc(B * nIn), W = alloc(nIn * nOut), bias = alloc(nOut), y = alloc(B * nOut);
    const dy = alloc(B * nOut), dx = alloc(B * nIn), dW = alloc(nIn * nOut), db = alloc(nOut), s = alloc(B * nOut + nIn * nOut);
    rows.push({
      "M x K x N": `dense ${B} x ${nIn} x ${nOut} (${act})`,
      NN: +measure(() => k.denseForward(x, W, bias, y, B, nIn, nOut, codes[act], 0), flops).toFixed(2),
      NT: +measure(() => k.denseBackward(x, W, y, dy, dx, dW, db, B, nIn, nOut, codes[act], 0, s), 2 * flops).toFixed(2),
      TN: NaN,
    });
  }
}
console.table(rows);
console.log("GFLOP/s, best of 9; xx32 = f32 kernel (gemm32XX) next to the f64 one; +s = with caller scratch (f32: unused, always 0)");
console.log("dX/dW rows: the dense backward products of a B:nIn->nOut layer; dense rows: NN column = forward, NT column = backward (dX + dW + db, 2x the flops)");
