// Shared by the nn tests: vi.mock keeps the real dense op when it exists and
// substitutes the plain-JS fallback only while linalg.ts does not export it yet.
export async function denseOrFallback(importOriginal: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const original = await importOriginal();
  if (typeof original.dense === "function") return original;
  const { fallbackDense } = await import("./dense-fallback.js");
  return { ...original, dense: fallbackDense };
}
