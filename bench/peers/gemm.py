"""PyTorch peer for the gemm scenario: C = A B on persistent buffers (torch.mm(out=...)).

usage: python3 gemm.py M K N [1t|Nt] -> one JSON line of GFLOP/s stats: mode 1t gives
f32 and f64 on one thread (start it with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1:
Debian's torch calls the system BLAS, whose own thread pool set_num_threads does
not control); mode Nt gives f32 on all cores.
"""
import json
import os
import sys

import torch

from timing import blas_library, measure


def bench(m, k, n, dtype, threads):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(1)
    a = torch.randn(m, k, generator=g, dtype=dtype)
    b = torch.randn(k, n, generator=g, dtype=dtype)
    c = torch.empty(m, n, dtype=dtype)
    flop = 2.0 * m * k * n
    stats = measure(lambda: torch.mm(a, b, out=c))
    return {key: (v * flop / 1e9 if key in ("median", "min", "max") else v) for key, v in stats.items()}


def main():
    m, k, n = (int(v) for v in sys.argv[1:4])
    mode = sys.argv[4] if len(sys.argv) > 4 else "1t"
    if mode == "1t":  # run with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 (bench/lib/torch.mjs does)
        out = {
            "torch-1t": bench(m, k, n, torch.float32, 1),
            "torch-1t-f64": bench(m, k, n, torch.float64, 1),
        }
    else:
        out = {"torch-Nt": bench(m, k, n, torch.float32, os.cpu_count() or 1)}
    out["meta"] = {"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
