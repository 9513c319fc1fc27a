/** Composite Simpson's rule of values f(x_i) on an even number of equal intervals over [a, b]. */
export function simpson(values: ArrayLike<number>, a: number, b: number): number {
  const n = values.length - 1;
  if (n % 2 !== 0) throw new Error("simpson needs an odd number of points");
  const h = (b - a) / n;
  let s = values[0] + values[n];
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * values[i];
  return (s * h) / 3;
}

/** n + 1 equally spaced points over [a, b]. */
export function grid(a: number, b: number, n = 20000): number[] {
  return Array.from({ length: n + 1 }, (_, i) => a + ((b - a) * i) / n);
}

/** Mean and standard error of the mean of samples. */
export function meanAndStdErr(values: ArrayLike<number>): { mean: number; se: number; variance: number } {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  v /= n - 1;
  return { mean: m, se: Math.sqrt(v / n), variance: v };
}
