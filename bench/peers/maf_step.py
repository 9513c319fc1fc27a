"""PyTorch peer for the MAF training step (same step as mafStep in bench/lib/flows.mjs), plain torch (nflows / zuko are not installable here).

MAF (Papamakarios et al. 2017) over D dims: L conditional MADEs (Germain et al. 2015), one tanh hidden
layer of H units, the variable order reversed between layers, masks from degrees as in
src/infer/families/flows/made.ts (inputs 1..D, E context inputs of degree 0, hidden degrees cycling
over 0..D-1, outputs strictly above); zero-initialized output layers. A free context row c =
(mean, logStd, embedding [E]) repeated over the batch; density direction:
v = (x - mean) exp(-logStd), then per layer (last to first) (m, s) = MADE(v, e),
v = (v - m) exp(-s); log q = log N(v; 0, I) - sum logStd - sum s. Loss -mean log q over a fixed
standard-normal batch x [B, D]; backward; one Adam step (lr 1e-3).

usage: python3 maf_step.py D L H E B [1t|Nt] -> one JSON line of steps/s (modes as in gemm.py).
"""
import json
import math
import os
import sys

import torch
from torch import nn

from timing import blas_library, measure


def degrees(d, h, e, reversed_):
    variables = [d - j if reversed_ else j + 1 for j in range(d)]
    lo = 0 if e > 0 or d == 1 else 1
    hidden = [lo + k % (d - lo) for k in range(h)]
    return variables + [0] * e, hidden, variables + variables


class Made(nn.Module):
    def __init__(self, d, h, e, reversed_, dtype):
        super().__init__()
        din, dh, dout = (torch.tensor(v) for v in degrees(d, h, e, reversed_))
        self.register_buffer("m0", (dh[None, :] >= din[:, None]).to(dtype))
        self.register_buffer("m1", (dout[None, :] > dh[:, None]).to(dtype))
        self.w0 = nn.Parameter(torch.empty(d + e, h, dtype=dtype))
        nn.init.xavier_uniform_(self.w0)
        self.b0 = nn.Parameter(torch.zeros(h, dtype=dtype))
        self.w1 = nn.Parameter(torch.zeros(h, 2 * d, dtype=dtype))
        self.b1 = nn.Parameter(torch.zeros(2 * d, dtype=dtype))

    def forward(self, v, e):
        hid = torch.tanh(torch.addmm(self.b0, torch.cat([v, e], 1), self.w0 * self.m0))
        return torch.addmm(self.b1, hid, self.w1 * self.m1)


def make_step(d, layers, h, e, b, dtype):
    torch.manual_seed(1)
    mades = nn.ModuleList([Made(d, h, e, l % 2 == 1, dtype) for l in range(layers)])
    context = nn.Parameter(torch.zeros(1, 2 * d + e, dtype=dtype))
    opt = torch.optim.Adam(list(mades.parameters()) + [context], lr=1e-3)
    x = torch.randn(b, d, dtype=dtype)
    log_norm = 0.5 * d * math.log(2 * math.pi)

    def step():
        opt.zero_grad(set_to_none=True)
        c = context.expand(b, -1)
        mean, log_std, emb = c[:, :d], c[:, d : 2 * d], c[:, 2 * d :]
        v = (x - mean) * torch.exp(-log_std)
        log_det = -log_std.sum(1)
        for made in reversed(mades):
            out = made(v, emb)
            m, s = out[:, :d], out[:, d:]
            v = (v - m) * torch.exp(-s)
            log_det = log_det - s.sum(1)
        log_q = -0.5 * (v * v).sum(1) - log_norm + log_det
        loss = -log_q.mean()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def bench(d, layers, h, e, b, dtype, threads):
    torch.set_num_threads(threads)
    return measure(make_step(d, layers, h, e, b, dtype))


def main():
    d, layers, h, e, b = (int(v) for v in sys.argv[1:6])
    mode = sys.argv[6] if len(sys.argv) > 6 else "1t"
    if mode == "1t":  # run with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 (bench/lib/torch.mjs does)
        out = {
            "torch-1t": bench(d, layers, h, e, b, torch.float32, 1),
            "torch-1t-f64": bench(d, layers, h, e, b, torch.float64, 1),
        }
    else:
        out = {"torch-Nt": bench(d, layers, h, e, b, torch.float32, os.cpu_count() or 1)}
    out["meta"] = {"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
