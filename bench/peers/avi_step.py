"""PyTorch peer for the avi-nonlinear-sized step (same computation as aviStep in bench/lib/workloads.mjs).

N observations x (a column), M Monte Carlo samples; mean and log-std networks
1-k-k-1 ReLU on x; theta ~ q = N(tm, exp(tls)^2) [M, 1]; z = qMean + exp(qLogStd) eps [M, N];
likelihood x ~ N(theta + z + z sin z, exp(cos z)^2) (LIKELIHOOD = sincos) or the
stand-in with tanh / sigmoid in place of sin / cos (standin), as on the amortvi side; loss = mean over M of
log q(z) + log q(theta) - log p(x | z, theta) - log p(z) - log p(theta); Adam lr 1e-2.

usage: python3 avi_step.py N M K STEPS LIKELIHOOD [1t|Nt] -> one JSON line of steps/s (wallSeconds = STEPS / median rate).
"""
import json
import math
import os
import sys

import torch
from torch import nn

from timing import blas_library, measure

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def log_normal(x, mean, log_std):
    return (-0.5 * ((x - mean) * torch.exp(-log_std)) ** 2 - log_std - HALF_LOG_2PI).sum(1)


def make_step(n, m, k, dtype, stand_in):
    torch.manual_seed(1)
    net = lambda: nn.Sequential(nn.Linear(1, k), nn.ReLU(), nn.Linear(k, k), nn.ReLU(), nn.Linear(k, 1)).to(dtype)
    mean_net, std_net = net(), net()
    tm = torch.zeros(1, dtype=dtype, requires_grad=True)
    tls = torch.zeros(1, dtype=dtype, requires_grad=True)
    opt = torch.optim.Adam(list(mean_net.parameters()) + list(std_net.parameters()) + [tm, tls], lr=1e-2)
    x = torch.randn(n, 1, dtype=dtype)
    x_rows = x.reshape(1, n).expand(m, n)
    zero = torch.zeros(1, dtype=dtype)

    def step():
        opt.zero_grad(set_to_none=True)
        q_mean = mean_net(x).reshape(1, n)
        q_log_std = std_net(x).reshape(1, n)
        theta = tm + torch.exp(tls) * torch.randn(m, 1, dtype=dtype)
        z = q_mean + torch.exp(q_log_std) * torch.randn(m, n, dtype=dtype)
        x_mean = z + theta + z * (torch.tanh(z) if stand_in else torch.sin(z))
        log_lik = log_normal(x_rows, x_mean, torch.sigmoid(z) if stand_in else torch.cos(z))
        log_prior = log_normal(z, zero, zero) + log_normal(theta, zero, zero)
        log_q = log_normal(z, q_mean, q_log_std) + log_normal(theta, tm, tls)
        loss = (log_q - log_lik - log_prior).mean()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def bench(n, m, k, steps, stand_in, dtype, threads):
    torch.set_num_threads(threads)
    stats = measure(make_step(n, m, k, dtype, stand_in), warmup_ms=2000.0, warmup_iters=5, round_ms=1000.0, rounds=5, max_ms=20000.0)
    stats["wallSeconds"] = steps / stats["median"]
    return stats


def main():
    n, m, k, steps = (int(v) for v in sys.argv[1:5])
    stand_in = sys.argv[5] == "standin"
    mode = sys.argv[6] if len(sys.argv) > 6 else "1t"
    if mode == "1t":
        out = {
            "torch-1t": bench(n, m, k, steps, stand_in, torch.float32, 1),
            "torch-1t-f64": bench(n, m, k, steps, stand_in, torch.float64, 1),
        }
    else:
        out = {"torch-Nt": bench(n, m, k, steps, stand_in, torch.float32, os.cpu_count() or 1)}
    out["meta"] = {"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
