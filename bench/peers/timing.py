"""Shared timing loop for the PyTorch peers: warm-up, then timed rounds (same scheme as bench/lib/measure.mjs)."""
import time


def measure(fn, warmup_ms=1000.0, warmup_iters=20, round_ms=250.0, rounds=7, max_ms=5000.0):
    """Calls fn until warm (warmup_iters calls and warmup_ms), then times `rounds` rounds; returns calls/s stats."""
    now = time.perf_counter
    t0 = now()
    n = 0
    while n < warmup_iters or (now() - t0) * 1e3 < warmup_ms:
        fn()
        n += 1
        if (now() - t0) * 1e3 > max_ms / 2 and n >= 2:
            break
    per_call_ms = (now() - t0) * 1e3 / n
    iters = max(1, round(round_ms / per_call_ms))
    rates = []
    start = now()
    for r in range(rounds):
        s = now()
        for _ in range(iters):
            fn()
        e = now()
        rates.append(iters / (e - s))
        if (now() - start) * 1e3 > max_ms and r >= 2:
            break
    rates.sort()
    return {
        "median": rates[len(rates) // 2],
        "min": rates[0],
        "max": rates[-1],
        "rounds": len(rates),
        "itersPerRound": iters,
        "warmupIters": n,
    }


def blas_library():
    """Path of the BLAS shared library this process loaded (Debian's torch uses the system libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                if "blas" in line and ".so" in line:
                    return line.split()[-1]
    except OSError:
        pass
    return None
