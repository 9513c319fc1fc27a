// Row-major f32 matrix products C[M,N] = beta*C + op(A) op(B), the f32
// counterparts of assembly/gemm.ts (same argument order; pointers are byte
// offsets of f32 arrays, counts are elements). PLACEHOLDER: naive loops, to be
// replaced by register-blocked f32x4 micro-kernels.

/** f32 count of the scratch gemm32NT uses for depth K and N rows of B (0: none). */
export function gemm32NTScratchSize(K: i32, N: i32): i32 {
  return 0;
}

// @ts-ignore: decorator
@inline
function naive(a: usize, ai: usize, ak: usize, b: usize, bk: usize, bj: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += load<f32>(a + <usize>i * ai + <usize>k * ak) * load<f32>(b + <usize>k * bk + <usize>j * bj);
      const p = c + ((<usize>i * N + j) << 2);
      store<f32>(p, beta == 0 ? s : s + beta * load<f32>(p));
    }
  }
}

/** C = beta*C + A B, A [M,K], B [K,N] (f32). */
export function gemm32NN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  naive(a, <usize>K << 2, 4, b, <usize>N << 2, 4, c, M, K, N, beta);
}

/** C = beta*C + A^T B, A [K,M], B [K,N] (f32). */
export function gemm32TN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  naive(a, 4, <usize>M << 2, b, <usize>N << 2, 4, c, M, K, N, beta);
}

/** C = beta*C + A B^T, A [M,K], B [N,K] (f32); scratch: gemm32NTScratchSize(K, N) f32 or 0. */
export function gemm32NT(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32, scratch: usize): void {
  naive(a, <usize>K << 2, 4, b, 4, <usize>K << 2, c, M, K, N, beta);
}
