/** Builds demo/build/{app,worker-thread}.js (ES modules for the browser) and returns their sizes in bytes. */
export function buildDemo(options?: { outdir?: string; minify?: boolean }): Promise<Record<string, number>>;
