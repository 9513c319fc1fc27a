// Row splits of the dense / gemm kernels over a runtime's threads (ADR 0006).
// Every function returns false (and does nothing) when the runtime has no
// thread pool or the product is below pool.minWork multiply-adds, so callers
// keep their single-threaded kernel call as the fallback. Splits fall at
// multiples of 4 rows and every output element is computed by the same
// kernel code over the same k order as in one call, so the results are
// identical bit for bit to the single-threaded ones.
import type { Runtime } from "./runtime.js";
import type { KernelCall, ThreadPool } from "./threads.js";

const F64 = 8;
const F32 = 4;
/** bytes rounded up to a multiple of 16 (SIMD-aligned scratch parts). */
const aligned = (bytes: number) => Math.ceil(bytes / 16) * 16;
const ROW_MULTIPLE = 4; // the gemm micro-kernel tiles are 4 rows high
/** Chunks per thread: threads claim chunks, so one the OS delays leaves its share to the others; 32-row chunks of a 784x256 product cost no extra W traffic. */
const CHUNKS_PER_THREAD = 2;
/**
 * Chunks per thread of the f32 dense splits: each gemm32 call packs B (all of
 * W or W^T) into its thread's panel, twice the share of a 2x faster product,
 * so 4 ranges of 128 rows cost 2-7% more CPU than 2 (one thread, 784x256
 * layers); on the VAE step 1 chunk per thread ran 3% faster than 2, idle or
 * with one busy neighbour alike.
 */
const F32_CHUNKS_PER_THREAD = 1;

/** [start, end) ranges covering `rows`, at most `parts` of them, boundaries at multiples of 4. */
export function rowSplits(rows: number, parts: number): [number, number][] {
  const chunk = Math.ceil(rows / parts / ROW_MULTIPLE) * ROW_MULTIPLE;
  const out: [number, number][] = [];
  for (let r = 0; r < rows; r += chunk) out.push([r, Math.min(r + chunk, rows)]);
  return out;
}

/** The pool if a product of `work` multiply-adds over `rows` rows is worth splitting, else null. */
function poolFor(rt: Runtime, work: number, rows: number): ThreadPool | null {
  const pool = rt.threads;
  return pool && work >= pool.minWork && rows > ROW_MULTIPLE ? pool : null;
}

/** Chunks (one call list each): calls(r0, r1, chunk) for each row range of `rows`. */
const perPart = (pool: ThreadPool, rows: number, calls: (r0: number, r1: number, chunk: number) => KernelCall[], perThread = CHUNKS_PER_THREAD) =>
  rowSplits(rows, pool.size * perThread).map(([r0, r1], t) => calls(r0, r1, t));

/**
 * The building block for any row-split kernel (f64 or f32): if rt has a pool
 * and `work` (multiply-adds) >= pool.minWork, runs calls(r0, r1) for row
 * ranges [r0, r1) covering `rows` (multiples of 4) on the threads and
 * returns true; otherwise does nothing and returns false. The calls of one
 * range must only write rows r0..r1 of their outputs and use no scratch
 * shared with another range (the gemm panel is per thread).
 */
export function parallelRows(rt: Runtime, work: number, rows: number, calls: (r0: number, r1: number, chunk: number) => KernelCall[]): boolean {
  const pool = poolFor(rt, work, rows);
  if (!pool) return false;
  pool.run(perPart(pool, rows, calls));
  return true;
}

/** denseForward (y = act(x W + b)) split over the B rows of x and y. */
export function parallelDenseForward(
  rt: Runtime, x: number, W: number, b: number, y: number, B: number, nIn: number, nOut: number, act: number, slope: number,
): boolean {
  return parallelRows(rt, B * nIn * nOut, B, (r0, r1) => [["denseForward", x + r0 * nIn * F64, W, b, y + r0 * nOut * F64, r1 - r0, nIn, nOut, act, slope]]);
}

/**
 * denseBackward split: dpre = dy act'(y) and db += colsum(dpre) once on this
 * thread, then dx += dpre W^T over rows of dx and dW += x^T dpre over rows of
 * dW in one fork / join. Zero pointers skip a gradient, as in the kernel.
 */
export function parallelDenseBackward(
  rt: Runtime, x: number, W: number, y: number, dy: number, dx: number, dW: number, db: number,
  B: number, nIn: number, nOut: number, act: number, slope: number,
): boolean {
  const pool = poolFor(rt, B * nIn * nOut, Math.min(B, nIn));
  if (!pool) return false;
  const k = rt.k;
  const dpre = act === 0 ? dy : rt.arena.alloc(B * nOut * F64);
  if (act !== 0 || db !== 0) k.preActivationGrad(y, dy, dpre, db, B, nOut, act, slope);
  const dxTasks = dx === 0 ? [] : gemmNTCalls(rt, pool, dpre, W, dx, B, nOut, nIn, 1);
  const dWTasks = dW === 0 ? [] : perPart(pool, nIn, (r0, r1) => gemmTNRows(x, dpre, dW, nIn, B, nOut, 1, r0, r1));
  pool.run([...dxTasks, ...dWTasks]); // one fork / join for both products
  return true;
}

/** gemmNN (C = beta C + A B, A [M,K], B [K,N]) split over the M rows of A and C. */
export function parallelGemmNN(rt: Runtime, a: number, b: number, c: number, M: number, K: number, N: number, beta: number): boolean {
  return parallelRows(rt, M * K * N, M, (r0, r1) => [["gemmNN", a + r0 * K * F64, b, c + r0 * N * F64, r1 - r0, K, N, beta]]);
}

/** gemmNT (C = beta C + A B^T, A [M,K], B [N,K]) split over the M rows of A and C; each chunk its own B^T scratch. */
export function parallelGemmNT(rt: Runtime, a: number, b: number, c: number, M: number, K: number, N: number, beta: number): boolean {
  const pool = poolFor(rt, M * K * N, M);
  if (!pool) return false;
  pool.run(gemmNTCalls(rt, pool, a, b, c, M, K, N, beta));
  return true;
}

/** gemmTN (C = beta C + A^T B, A [K,M], B [K,N]) split over the M rows of C (column blocks of A). */
export function parallelGemmTN(rt: Runtime, a: number, b: number, c: number, M: number, K: number, N: number, beta: number): boolean {
  return parallelRows(rt, M * K * N, M, (r0, r1) => gemmTNRows(a, b, c, M, K, N, beta, r0, r1));
}

/**
 * dense32Forward split (keep: dense32KeepSize f32, filled as the kernel
 * does): W -> W32 and b -> b32 once on this thread, then per row range x ->
 * x32 (into keep) and dense32ForwardRows with its own scratch.
 */
export function parallelDense32Forward(
  rt: Runtime, x: number, W: number, b: number, y: number, B: number, nIn: number, nOut: number, act: number, slope: number, keep: number,
): boolean {
  const pool = poolFor(rt, B * nIn * nOut, B);
  if (!pool) return false;
  const k = rt.k;
  const W32 = keep + k.dense32KeepWeightOffset(B, nIn) * F32;
  k.f64ToF32(W, W32, nIn * nOut);
  const b32 = b === 0 ? 0 : rt.arena.alloc(aligned(nOut * F32));
  if (b !== 0) k.f64ToF32(b, b32, nOut);
  const splits = rowSplits(B, pool.size * F32_CHUNKS_PER_THREAD);
  const scratch = aligned(Math.max(...splits.map(([r0, r1]) => k.dense32ForwardRowsScratchSize(r1 - r0, nIn, nOut))) * F32);
  const base = rt.arena.alloc(scratch * splits.length);
  pool.run(splits.map(([r0, r1], t): KernelCall[] => {
    const x32 = keep + r0 * nIn * F32;
    return [
      ["f64ToF32", x + r0 * nIn * F64, x32, (r1 - r0) * nIn],
      ["dense32ForwardRows", x32, W32, b32, y + r0 * nOut * F64, r1 - r0, nIn, nOut, act, slope, base + t * scratch],
    ];
  }));
  return true;
}

/**
 * dense32Backward split (keep as filled by dense32Forward or
 * parallelDense32Forward): dpre32 = f32(dy act'(y)) and db += colsum once on
 * this thread, then in one fork / join dx += dpre32 W32^T over rows of dx and
 * dW += x32^T dpre32 over rows of dW (f32 products into arena buffers, added
 * to the f64 gradients per range). Zero pointers skip a gradient.
 */
export function parallelDense32Backward(
  rt: Runtime, keep: number, y: number, dy: number, dx: number, dW: number, db: number,
  B: number, nIn: number, nOut: number, act: number, slope: number,
): boolean {
  if (dx === 0 && dW === 0) return false; // db only: one pass, nothing to split
  const pool = poolFor(rt, B * nIn * nOut, Math.min(B, nIn));
  if (!pool) return false;
  const k = rt.k;
  const dpre = rt.arena.alloc(aligned(B * nOut * F32));
  k.preActivationGrad32(y, dy, dpre, db, B, nOut, act, slope);
  const W32 = keep + k.dense32KeepWeightOffset(B, nIn) * F32;
  const chunks: KernelCall[][] = [];
  if (dx !== 0) {
    const t = rt.arena.alloc(aligned(B * nIn * F32));
    // no scratch: gemm32NT packs B^T into the calling thread's own panel (gemm32NTScratchSize is 0)
    chunks.push(...perPart(pool, B, (r0, r1): KernelCall[] => [
      ["gemm32NT", dpre + r0 * nOut * F32, W32, t + r0 * nIn * F32, r1 - r0, nOut, nIn, 0, 0],
      ["addF32ToF64", t + r0 * nIn * F32, dx + r0 * nIn * F64, (r1 - r0) * nIn],
    ], F32_CHUNKS_PER_THREAD));
  }
  if (dW !== 0) {
    const t = rt.arena.alloc(aligned(nIn * nOut * F32));
    chunks.push(...perPart(pool, nIn, (r0, r1): KernelCall[] => [
      ["gemm32TNStrided", keep + r0 * F32, nIn, dpre, t + r0 * nOut * F32, r1 - r0, B, nOut, 0],
      ["addF32ToF64", t + r0 * nOut * F32, dW + r0 * nOut * F64, (r1 - r0) * nOut],
    ], F32_CHUNKS_PER_THREAD));
  }
  pool.run(chunks);
  return true;
}

function gemmNTCalls(rt: Runtime, pool: ThreadPool, a: number, b: number, c: number, M: number, K: number, N: number, beta: number): KernelCall[][] {
  const scratch = Math.ceil(rt.k.gemmNTScratchSize(K, N) / 2) * 2 * F64; // one per chunk (chunks run concurrently), 16-byte aligned
  const base = scratch === 0 ? 0 : rt.arena.alloc(scratch * pool.size * CHUNKS_PER_THREAD);
  return perPart(pool, M, (r0, r1, t) => [["gemmNT", a + r0 * K * F64, b, c + r0 * N * F64, r1 - r0, K, N, beta, base === 0 ? 0 : base + t * scratch]]);
}

function gemmTNRows(a: number, b: number, c: number, M: number, K: number, N: number, beta: number, r0: number, r1: number): KernelCall[] {
  return [["gemmTNStrided", a + r0 * F64, M, b, c + r0 * N * F64, r1 - r0, K, N, beta]];
}

/**
 * adamStep (assembly/optim.ts; elementwise, grads zeroed) split over element
 * ranges of one parameter buffer; `work` counts ~4 multiply-adds an element.
 */
export function parallelAdamStep(
  rt: Runtime, params: number, grads: number, m: number, v: number, n: number,
  lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: number, step: number,
): boolean {
  return parallelRows(rt, 4 * n, n, (r0, r1) => {
    const o = r0 * F64;
    return [["adamStep", params + o, grads + o, m + o, v + o, r1 - r0, lr, beta1, beta2, eps, weightDecay, decoupled, step]];
  });
}
