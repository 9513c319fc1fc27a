"""PyTorch peer for one coupling-flow training step (same step as flowStep in bench/lib/flows.mjs).

Written by hand in plain torch (nflows / zuko are not installable here), following
src/infer/families/coupling-flow.ts: x [B, D] ~ N(0, I) fixed; z = (x - mean) exp(-logStd)
with a zero context (mean 0, logStd 0, no embedding); L coupling layers inverted from the
last, each with a conditioner MLP (kept columns) -> H -> H -> params (ReLU, last layer
zero-initialized) and the masks of couplingMasks; loss = -mean log q(x); one Adam step (lr 1e-3).
KIND realnvp: affine coupling, s = 3 tanh(a / 3), x_B = (y_B - t) e^-s.
KIND nsf: rational-quadratic spline coupling (Durkan et al. 2019), K bins on [-3, 3],
identity outside, minimum width / height / derivative 1e-3 (as nflows' rational_quadratic_spline).

usage: python3 flow_step.py KIND D L H B K [1t|Nt] -> one JSON line of steps/s (modes as in gemm.py).
"""
import json
import math
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

from timing import blas_library, measure

MIN = 1e-3
SHIFT = math.log(math.expm1(1 - MIN))
S = 3.0


def masks(dim, layers):
    """(kept, transformed) column lists per layer, as couplingMasks in coupling-flow.ts."""
    out = []
    for l in range(layers):
        m = l // 2
        in_s = (lambda j: j % 2 == 0) if m % 2 == 0 else (lambda j: j < dim // 2)
        tr = list(range(dim)) if dim == 1 else [j for j in range(dim) if in_s(j) == (l % 2 == 0)]
        out.append(([j for j in range(dim) if j not in tr], tr))
    return out


def conditioner(n_in, hidden, n_out, dtype):
    last = nn.Linear(hidden, n_out)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), last).to(dtype)


def affine_inverse(y, p):
    t, a = p[..., 0::2], p[..., 1::2]
    s = S * torch.tanh(a / S)
    return (y - t) * torch.exp(-s), -s.sum(1)


def knots(raw, bound):
    k = raw.shape[-1]
    q = MIN + (1 - MIN * k) * torch.softmax(raw, -1)
    cum = F.pad(torch.cumsum(q, -1), (1, 0)) * 2 * bound - bound
    cum = torch.cat([torch.full_like(cum[..., :1], -bound), cum[..., 1:-1], torch.full_like(cum[..., :1], bound)], -1)
    return cum, cum[..., 1:] - cum[..., :-1]


def spline_inverse(y, p, bins, bound):
    """x = g^-1(y) and -sum log g'(x) of the RQ spline per element, identity outside [-bound, bound]."""
    p = p.reshape(y.shape[0], y.shape[1], 3 * bins - 1)
    inside = (y >= -bound) & (y <= bound)
    yc = y.clamp(-bound, bound)
    cx, w = knots(p[..., :bins], bound)
    cy, h = knots(p[..., bins:2 * bins], bound)
    d = F.pad(MIN + F.softplus(p[..., 2 * bins:] + SHIFT), (1, 1), value=1.0)
    locs = cy.clone()
    locs[..., -1] += 1e-6
    k = (torch.sum(yc[..., None] >= locs, -1) - 1).clamp(0, bins - 1)[..., None]
    xk, wk = cx.gather(-1, k)[..., 0], w.gather(-1, k)[..., 0]
    yk, hk = cy.gather(-1, k)[..., 0], h.gather(-1, k)[..., 0]
    dlo, dhi = d.gather(-1, k)[..., 0], d[..., 1:].gather(-1, k)[..., 0]
    s = hk / wk
    dy = yc - yk
    c1 = dhi + dlo - 2 * s
    a = hk * (s - dlo) + dy * c1
    b = hk * dlo - dy * c1
    c = -s * dy
    xi = (2 * c) / (-b - torch.sqrt((b * b - 4 * a * c).clamp(min=0)))
    x = xi * wk + xk
    tau = xi * (1 - xi)
    den = s + c1 * tau
    slope = s * s * (dhi * xi * xi + 2 * s * tau + dlo * (1 - xi) ** 2) / den ** 2
    x = torch.where(inside, x, y)
    ld = torch.where(inside, -torch.log(slope), torch.zeros_like(y))
    return x, ld.sum(1)


def make_step(kind, dim, layers, hidden, batch, bins, dtype):
    torch.manual_seed(1)
    per = 2 if kind == "realnvp" else 3 * bins - 1
    ms = masks(dim, layers)
    conds = [conditioner(len(kept), hidden, len(tr) * per, dtype) for kept, tr in ms]
    opt = torch.optim.Adam([p for c in conds for p in c.parameters()], lr=1e-3)
    x = torch.randn(batch, dim, dtype=dtype)
    context = torch.zeros(batch, 2 * dim, dtype=dtype)
    idx = [(torch.tensor(kept), torch.tensor(tr)) for kept, tr in ms]
    log_norm = 0.5 * dim * math.log(2 * math.pi)

    def step():
        opt.zero_grad(set_to_none=True)
        mean, log_std = context[:, :dim], context[:, dim:]
        z = (x - mean) * torch.exp(-log_std)
        log_det = -log_std.sum(1)
        for l in range(layers - 1, -1, -1):
            kept, tr = idx[l]
            p = conds[l](z.index_select(1, kept))
            yb = z.index_select(1, tr)
            xb, ld = affine_inverse(yb, p) if kind == "realnvp" else spline_inverse(yb, p, bins, 3.0)
            z = z.index_copy(1, tr, xb)
            log_det = log_det + ld
        loss = -(log_det - 0.5 * (z * z).sum(1) - log_norm).mean()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def bench(args, dtype, threads):
    torch.set_num_threads(threads)
    return measure(make_step(*args, dtype))


def main():
    kind = sys.argv[1]
    dim, layers, hidden, batch, bins = (int(v) for v in sys.argv[2:7])
    mode = sys.argv[7] if len(sys.argv) > 7 else "1t"
    args = (kind, dim, layers, hidden, batch, bins)
    if mode == "1t":
        out = {"torch-1t": bench(args, torch.float32, 1), "torch-1t-f64": bench(args, torch.float64, 1)}
    else:
        out = {"torch-Nt": bench(args, torch.float32, os.cpu_count() or 1)}
    out["meta"] = {"torch": torch.__version__, "blas": blas_library(), "threads": torch.get_num_threads()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
