"""PyTorch peer for the gemm scenario: C = A B on persistent buffers (torch.mm(out=...)).

usage: python3 gemm.py M K N   -> one JSON line {config: {median, ...} GFLOP/s} for
1-thread f32, 1-thread f64 and all-threads f32.
"""
import json
import os
import sys

import torch

from timing import measure


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
    all_threads = os.cpu_count() or 1
    out = {
        "torch-1t": bench(m, k, n, torch.float32, 1),
        "torch-1t-f64": bench(m, k, n, torch.float64, 1),
        "torch-Nt": bench(m, k, n, torch.float32, all_threads),
        "meta": {"torch": torch.__version__, "threads": all_threads},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
