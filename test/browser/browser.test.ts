// The built package in headless Chromium (Debian's, driven by playwright-core;
// .ci/run installs it when it is missing): a static page (test/browser/page/)
// loads dist/index.js as an ES module, trains note-1 and draws it; the numbers
// must equal Node's bit for bit, with no console error, and a screenshot goes
// to test-output/browser/. Skipped, with the reason printed, only when
// Chromium cannot be launched. Needs `npm run build` first (npm test does it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const output = join(root, "test-output", "browser");
const STEPS = 2000;
const SEED = 7;

/** CHROMIUM_PATH, else the `chromium` on PATH, else Debian's /usr/bin/chromium. */
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const which = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : "/usr/bin/chromium";
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".map": "application/json", ".wasm": "application/wasm", ".html": "text/html; charset=utf-8" };
/** Serves only dist/ and test/browser/ of the repository, on 127.0.0.1. */
function staticServer(): Server {
  const allowed = [join(root, "dist"), join(root, "test", "browser")];
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    const file = normalize(join(root, path));
    if (!allowed.some((dir) => file.startsWith(dir + "/")) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
}

let browser: Browser | null = null;
let skipReason = "";
let server: Server;
let base = "";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let node: any;

beforeAll(async () => {
  if (!existsSync(join(root, "dist", "index.js"))) throw new Error("dist/index.js is missing: run `npm run build` before this test");
  const executablePath = chromiumPath();
  try {
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"] });
  } catch (err) {
    skipReason = `Chromium at ${executablePath} cannot be launched (apt-get install -y chromium, or set CHROMIUM_PATH): ${String(err).split("\n")[0]}`;
    console.log(`browser tests SKIPPED: ${skipReason}`);
    return;
  }
  server = staticServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  node = await import(/* @vite-ignore */ pathToFileURL(join(root, "dist", "index.js")).href);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
});

/** A new tab that records page errors and console errors. */
async function tab(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 800, height: 560 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${String(e)}`));
  page.on("console", (msg) => void (msg.type() === "error" && errors.push(`console.error: ${msg.text()}`)));
  return { page, errors };
}

/** Indices where two arrays differ (Object.is: bit equality for finite doubles, NaN = NaN, 0 != -0). */
const differences = (a: readonly number[], b: readonly number[]) => a.flatMap((v, i) => (Object.is(v, b[i]) ? [] : [i]));

describe("the built package in headless Chromium", () => {
  it(`trains note-1 (qp and pq, ${STEPS} steps, seed ${SEED}) to the same bits as Node, draws it, logs no error, and leaves a screenshot`, async (ctx) => {
    if (!browser) return ctx.skip(skipReason);
    const { page, errors } = await tab();
    await page.goto(`${base}/test/browser/page/index.html?steps=${STEPS}&seed=${SEED}`);
    await page.waitForSelector("body[data-done]", { timeout: 60_000 });
    const done = await page.evaluate(() => document.body.dataset.done);
    const got = await page.evaluate(() => (window as unknown as { amortviResult: unknown }).amortviResult);
    const lines = await page.locator("svg#losses polyline").count();
    const points = await page.locator("svg#losses polyline").first().getAttribute("points");
    mkdirSync(output, { recursive: true });
    const screenshot = join(output, "note1.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    console.log(`browser: chromium ${browser.version()}; screenshot ${screenshot}`);

    expect(errors).toEqual([]);
    expect(done).toBe("ok");
    const { trainNote1 } = await import(/* @vite-ignore */ pathToFileURL(join(root, "test", "browser", "note1-run.js")).href);
    const expected = await trainNote1(node, { steps: STEPS, seed: SEED });
    const runs = got as typeof expected;
    for (const loss of ["qp", "pq"]) {
      const want = expected[loss], have = runs[loss];
      expect(have.losses).toHaveLength(STEPS);
      expect(differences(have.losses, want.losses), `${loss}: steps whose loss differs`).toEqual([]);
      expect(differences([have.a, have.b, have.logC], [want.a, want.b, want.logC]), `${loss}: a, b, log c`).toEqual([]);
      // and it is note-1's result: both losses reach the exact posterior map within the study's tolerance
      expect(Math.abs(have.a - 0.5)).toBeLessThan(0.05);
      expect(Math.abs(have.b)).toBeLessThan(0.05);
      expect(Math.abs(Math.exp(have.logC) - Math.SQRT1_2)).toBeLessThan(0.05);
    }
    console.log(`browser: note-1 qp a=${runs.qp.a} b=${runs.qp.b} log c=${runs.qp.logC}; pq a=${runs.pq.a} b=${runs.pq.b} log c=${runs.pq.logC}; ${2 * STEPS} losses and 6 parameters identical to Node's`);
    expect(lines).toBe(2);
    expect(points!.split(" ").length).toBeGreaterThan(50);
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(5_000);
  });

  it("computes ops, random draws, f64 / f32 dense layers, schedules and log-scales to the same bits as Node", async (ctx) => {
    if (!browser) return ctx.skip(skipReason);
    // as source, so that Node and the page run the very same code
    const computation = `async (m) => {
      await m.init();
      const x = m.Tensor.from([0, 0.5, -1, 2, -3.25, 1e-8, 20], [7]);
      const rng = new m.Rng(1);
      const input = rng.normal([5, 7]), W = rng.normal([7, 3]), b = rng.normal([3]);
      return {
        tanh: Array.from(m.tanh(x).toArray()),
        normals: Array.from(rng.normal([9]).toArray()),
        uniforms: Array.from(rng.uniform([5]).toArray()),
        dense: Array.from(m.dense(input, W, b, "tanh").toArray()),
        dense32: Array.from(m.dense(input, W, b, "tanh", 0.01, { precision: "f32" }).toArray()),
        sigmoid32: Array.from(m.dense(rng.normal([9, 13]), rng.normal([13, 6]), null, "sigmoid", 0.01, { precision: "f32" }).toArray()),
        // schedules evaluate cos / pow in JS: through the kernels' libm, since Math.cos and ** differ between engines
        cosine: Array.from({ length: 2001 }, (_, t) => m.cosineDecay(2000, 0.01)(t)),
        exponential: Array.from({ length: 500 }, (_, t) => m.exponentialDecay(0.999, 3)(t)),
        logStd: Array.from(new m.Normal(0, Array.from({ length: 500 }, (_, i) => 0.01 + i * 0.0371)).logStd.toArray()),
      };
    }`;
    const { page, errors } = await tab();
    await page.goto(`${base}/test/browser/page/blank.html`);
    const got = (await page.evaluate(`(async () => (${computation})(await import("/dist/index.js")))()`)) as Record<string, number[]>;
    await page.close();
    const expected = (await (0, eval)(computation)(node)) as Record<string, number[]>;
    expect(errors).toEqual([]);
    expect(Object.keys(got)).toEqual(Object.keys(expected));
    for (const key of Object.keys(expected)) {
      expect(got[key]).toHaveLength(expected[key].length);
      expect(differences(got[key], expected[key]), key).toEqual([]);
    }
  });
});
