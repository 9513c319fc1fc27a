// Timing loop shared by every JS implementation (bench/peers/timing.py is its
// Python twin). V8 compiles hot code in tiers (Ignition -> Sparkplug ->
// Maglev -> TurboFan) and Wasm in two (Liftoff -> TurboFan): the first calls
// run slower code, so we warm up before timing, then time several rounds and
// report the median (the machine is shared: min/max are kept in the JSON).

const now = () => performance.now();

/**
 * Calls fn until warm (warmupIters calls and warmupMs), then times `rounds`
 * rounds of about roundMs each; returns calls per second (median, min, max).
 */
export function measure(fn, opts = {}) {
  const { warmupMs = 1000, warmupIters = 20, roundMs = 250, rounds = 7, maxMs = 5000 } = opts;
  const t0 = now();
  let n = 0;
  while (n < warmupIters || now() - t0 < warmupMs) {
    fn();
    n++;
    if (now() - t0 > maxMs / 2 && n >= 2) break;
  }
  const perCallMs = (now() - t0) / n;
  const iters = Math.max(1, Math.round(roundMs / perCallMs));
  const rates = [];
  const start = now();
  for (let r = 0; r < rounds; r++) {
    const s = now();
    for (let i = 0; i < iters; i++) fn();
    rates.push((iters * 1000) / (now() - s));
    if (now() - start > maxMs && r >= 2) break;
  }
  rates.sort((a, b) => a - b);
  return {
    median: rates[rates.length >> 1],
    min: rates[0],
    max: rates[rates.length - 1],
    rounds: rates.length,
    itersPerRound: iters,
    warmupIters: n,
  };
}

/** Scales the rate fields of a measure() result (e.g. calls/s -> GFLOP/s). */
export function scaleRates(stats, factor) {
  return { ...stats, median: stats.median * factor, min: stats.min * factor, max: stats.max * factor };
}
