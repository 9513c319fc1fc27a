"""PyTorch peer for the VAE training step (same step as bench/lib/vae-tfjs.mjs and the amortvi one).

Encoder D-H-2Z (tanh hidden) -> mean, log-std; z = mean + exp(logStd) * eps;
decoder Z-H-D (tanh hidden, identity output); loss = mean over the batch of
KL(q || N(0, I)) - log N(x; decoder(z), I); one Adam step (lr 1e-3).

usage: python3 vae_step.py D H Z B [1t|Nt] -> one JSON line of steps/s (modes as in gemm.py).
"""
import json
import math
import os
import sys

import torch
from torch import nn

from timing import blas_library, measure


def make_step(d, h, z_dim, b, dtype):
    torch.manual_seed(1)
    enc = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, 2 * z_dim)).to(dtype)
    dec = nn.Sequential(nn.Linear(z_dim, h), nn.Tanh(), nn.Linear(h, d)).to(dtype)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    x = torch.rand(b, d, dtype=dtype)
    log_norm = 0.5 * d * math.log(2 * math.pi)

    def step():
        opt.zero_grad(set_to_none=True)
        out = enc(x)
        mean, log_std = out[:, :z_dim], out[:, z_dim:]
        eps = torch.randn(b, z_dim, dtype=dtype)
        z = mean + torch.exp(log_std) * eps
        x_mean = dec(z)
        log_px = -0.5 * ((x - x_mean) ** 2).sum(1) - log_norm
        kl = (-log_std + 0.5 * (torch.exp(2 * log_std) + mean**2) - 0.5).sum(1)
        loss = (kl - log_px).mean()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def bench(d, h, z_dim, b, dtype, threads):
    torch.set_num_threads(threads)
    return measure(make_step(d, h, z_dim, b, dtype))


def main():
    d, h, z_dim, b = (int(v) for v in sys.argv[1:5])
    mode = sys.argv[5] if len(sys.argv) > 5 else "1t"
    if mode == "1t":  # run with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 (bench/lib/torch.mjs does)
        out = {
            "torch-1t": bench(d, h, z_dim, b, torch.float32, 1),
            "torch-1t-f64": bench(d, h, z_dim, b, torch.float64, 1),
        }
    else:
        out = {"torch-Nt": bench(d, h, z_dim, b, torch.float32, os.cpu_count() or 1)}
    out["meta"] = {"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
