"""PyTorch peer for the note-1 qp fit (same computation as qpFitStep in bench/lib/workloads.mjs).

p(x) = N(0, 1), p(y|x) = N(x, 1), q(x|y) = N(a y + b, c^2) with a = b = c = 2 at
the start; per step y ~ N(0, 2) (sum of two standard normals), x = a y + b + c eps,
loss = mean(log q(x|y) - log p(x) - log p(y|x)); Adam lr 1e-3; batch 1.

usage: python3 qp_fit.py STEPS [1t|Nt] -> one JSON line: steps/s of one timed full fit (after a 2,000-step warm-up fit).
"""
import json
import math
import os
import sys
import time

import torch

from timing import blas_library

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def log_normal(x, mean, log_std):
    return (-0.5 * ((x - mean) * torch.exp(-log_std)) ** 2 - log_std - HALF_LOG_2PI).sum(1)


def fit(steps, dtype, batch=1):
    torch.manual_seed(2)
    a = torch.full((1,), 2.0, dtype=dtype, requires_grad=True)
    b = torch.full((1,), 2.0, dtype=dtype, requires_grad=True)
    log_c = torch.full((1,), math.log(2.0), dtype=dtype, requires_grad=True)
    opt = torch.optim.Adam([a, b, log_c], lr=1e-3)
    zero = torch.zeros(1, dtype=dtype)
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        y = torch.randn(batch, 1, dtype=dtype) + torch.randn(batch, 1, dtype=dtype)
        q_mean = y * a + b
        x = q_mean + torch.exp(log_c) * torch.randn(batch, 1, dtype=dtype)
        log_joint = log_normal(x, zero, zero) + log_normal(y, x, zero)
        loss = (log_normal(x, q_mean, log_c) - log_joint).mean()
        loss.backward()
        opt.step()
        loss.item()
    return {"a": a.item(), "b": b.item(), "c": math.exp(log_c.item())}


def bench(steps, dtype, threads):
    torch.set_num_threads(threads)
    fit(2000, dtype)
    t0 = time.perf_counter()
    result = fit(steps, dtype)
    seconds = time.perf_counter() - t0
    rate = steps / seconds
    return {"median": rate, "min": rate, "max": rate, "rounds": 1, "wallSeconds": seconds, "fit": result}


def main():
    steps = int(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "1t"
    if mode == "1t":
        out = {"torch-1t": bench(steps, torch.float32, 1), "torch-1t-f64": bench(steps, torch.float64, 1)}
    else:
        out = {"torch-Nt": bench(steps, torch.float32, os.cpu_count() or 1)}
    out["meta"] = {"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
