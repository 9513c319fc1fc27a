// The demo page in headless Chromium (playwright-core, Debian's chromium):
// build demo/ (npm run build:demo's bundle), serve it as static files, train
// note-1 for a fixed number of steps with a fixed seed, and check that the
// page shows the numbers of the same job run in Node, bit for bit; that the
// charts drew their marks; pause and stop; no console errors; a screenshot
// in test-output/demo/. Skipped, with the reason printed, when Chromium
// cannot be launched.
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { init } from "../../src/index.js";
import type { TrainingJob } from "../../src/worker/job.js";
import { paramsByName } from "../../src/worker/params.js";
import { runJob } from "../../src/worker/training.js";
import { buildDemo } from "../../scripts/build-demo.mjs";
import { serveStatic } from "../../scripts/serve-demo.mjs";

const root = resolve(import.meta.dirname, "../..");
const output = join(root, "test-output", "demo");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let browser: Browser | null = null;
let skipReason = "";
try {
  if (!existsSync(executablePath)) throw new Error(`no chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
} catch (err) {
  skipReason = (err as Error).message.split("\n")[0];
  console.log(`demo browser test SKIPPED: Chromium cannot be launched: ${skipReason}`);
}

interface FinalRecord {
  job: TrainingJob;
  steps: number;
  loss: number;
  stoppedBy: string | null;
  view: { row: number; qMean: number; qStd: number; exactMean: number | null; exactStd: number | null }[];
  params: Record<string, number[]>;
}

let close = async () => {};
let url = "";
let page: Page;
const errors: string[] = [];

describe.skipIf(!browser)("the demo page (Chromium)", () => {
  beforeAll(async () => {
    await init();
    const sizes = await buildDemo();
    console.log(`demo bundles: ${Object.entries(sizes).map(([f, b]) => `${f} ${(b / 1024).toFixed(1)} KB`).join(", ")}; chromium ${browser!.version()}`);
    const served = await serveStatic(join(root, "demo"));
    url = served.url;
    close = () => new Promise((ok) => served.server.close(() => ok()));
    page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => void (m.type() === "error" && errors.push(`console: ${m.text()} (${m.location().url})`)));
    await page.goto(url);
    await page.waitForSelector('#status[data-state="idle"]');
  });

  afterAll(async () => {
    await browser?.close();
    await close();
  });

  it("trains note-1 in its worker and shows the numbers of the same job in Node, bit for bit; the charts have marks", async () => {
    await page.selectOption("#model", "note-1");
    await page.selectOption("#amortization", "avi");
    await page.selectOption("#density", "gaussian");
    await page.selectOption("#objective", "qp");
    await page.selectOption("#train", "simulations");
    await page.selectOption("#schedule", "cosine");
    for (const [id, v] of [["seed", "7"], ["iterations", "600"], ["batch", "128"], ["lr", "0.03"], ["observations", "200"]]) await page.fill(`#${id}`, v);
    await page.click("#train-button");
    await page.waitForSelector('#status[data-state="done"]', { timeout: 20_000 });
    const record = JSON.parse((await page.textContent("#final-json")) ?? "") as FinalRecord;
    expect(record.job).toMatchObject({ model: { name: "note-1" }, family: { amortization: "avi", density: "gaussian" }, objective: "qp", seed: 7, iterations: 600 });

    const node = runJob(record.job);
    const nodeView = node.training.view([0, 1, 2], node.steps, { draws: 2000 });
    expect(record.steps).toBe(600);
    expect(Object.is(record.loss, node.losses[node.steps - 1])).toBe(true);
    expect(record.params).toEqual(paramsByName(node.params));
    expect(record.view).toEqual(nodeView.points.map((p) => ({ row: p.row, qMean: p.qMean, qStd: p.qStd, exactMean: p.exactMean, exactStd: p.exactStd })));
    // what the page prints is the full-precision number
    expect(await page.textContent("#final-loss")).toBe(String(node.losses[node.steps - 1]));
    const cells = await page.$$eval("#fit-table tbody tr", (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
    expect(cells.map((c) => [c[2], c[3]])).toEqual(nodeView.points.map((p) => [String(p.qMean), String(p.qStd)]));
    // the fit is near the exact posterior q(x | y) = N(y / 2, 1/2)
    for (const p of record.view) {
      expect(Math.abs(p.qMean - p.exactMean!)).toBeLessThan(0.15);
      expect(Math.abs(p.qStd - p.exactStd!)).toBeLessThan(0.07);
    }
    node.training.dispose();

    const marks = await page.$$eval("svg", (svgs) => Object.fromEntries(svgs.map((s) => [s.id, Array.from(s.querySelectorAll("path.mark")).filter((p) => (p.getAttribute("d") ?? "").length > 20).length])));
    expect(marks["loss-chart"]).toBe(2); // the losses and their moving average
    expect(marks["mean-chart"]).toBe(3);
    expect(marks["std-chart"]).toBe(3);
    for (const k of [0, 1, 2]) expect(marks[`posterior-${k}`]).toBe(2); // q and the exact posterior
    const references = await page.$$eval("#mean-chart line.reference", (lines) => lines.length);
    expect(references).toBe(3);
    mkdirSync(output, { recursive: true });
    await page.screenshot({ path: join(output, "demo.png"), fullPage: true });
    console.log(`screenshot: ${join(output, "demo.png")}`);
    expect(errors).toEqual([]);
  });

  it("pause holds the run, resume continues it, stop ends it with the steps taken; the page stays live meanwhile", async () => {
    await page.selectOption("#model", "note-2");
    await page.selectOption("#density", "mixture");
    await page.fill("#iterations", "200000");
    await page.click("#train-button");
    await page.waitForSelector('#status[data-state="running"]');
    await page.waitForFunction(() => /step (\d{3,})/.test(document.querySelector("#status")?.textContent ?? ""));
    // the main thread is free while the worker trains: over 600 ms, timers fire with no long gap (a training slice on
    // the main thread would block it for the whole run)
    const longestGap = await page.evaluate(() => new Promise<number>((ok) => {
      const t0 = performance.now();
      let last = t0;
      let gap = 0;
      const tick = () => {
        const now = performance.now();
        gap = Math.max(gap, now - last);
        last = now;
        if (now - t0 < 600) setTimeout(tick, 5);
        else ok(gap);
      };
      setTimeout(tick, 5);
    }));
    expect(longestGap).toBeLessThan(250);
    await page.click("#pause-button");
    await page.waitForSelector('#status[data-state="paused"]');
    const at = Number((await page.textContent("#status"))!.match(/step (\d+)/)![1]);
    await page.waitForTimeout(300);
    expect(await page.textContent("#status")).toBe(`Paused at step ${at}.`);
    await page.click("#pause-button");
    await page.waitForFunction((s) => Number((document.querySelector("#status")?.textContent ?? "").match(/step (\d+)/)?.[1] ?? 0) > s, at);
    await page.click("#stop-button");
    await page.waitForSelector('#status[data-state="done"]', { timeout: 10_000 });
    const record = JSON.parse((await page.textContent("#final-json")) ?? "") as FinalRecord;
    expect(record.stoppedBy).toBe("stopped");
    expect(record.steps).toBeGreaterThan(at);
    expect(record.steps).toBeLessThan(200_000);
    await page.screenshot({ path: join(output, "demo-note-2.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("the other models train too (a typed model with a spline flow and IWAE, avi-saw with windowed A-VI); a bad choice shows its typed error", async () => {
    const train = async () => {
      await page.click("#train-button");
      await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 15_000 });
      const state = await page.getAttribute("#status", "data-state");
      if (state === "error") console.log(`demo run error: ${await page.textContent("#error")}`);
      return state;
    };
    await page.selectOption("#model", "user");
    await page.fill("#source", 'm.plate("data", () => {\n  const x = m.sample("x", new LogNormal(0, 0.5));\n  m.observe("y", new Normal(log(x), 0.3));\n});');
    await page.selectOption("#amortization", "fvi");
    await page.selectOption("#density", "spline");
    await page.selectOption("#objective", "iwae");
    await page.fill("#iterations", "60");
    expect(await train()).toBe("done");
    const user = JSON.parse((await page.textContent("#final-json")) ?? "") as FinalRecord;
    expect(user.steps).toBe(60);
    expect(user.view[0].exactMean).toBeNull();
    expect(await page.$$eval("#posterior-0 path.mark", (p) => p.length)).toBe(1);

    await page.selectOption("#model", "avi-saw");
    await page.selectOption("#amortization", "windowed-avi");
    await page.selectOption("#density", "gaussian");
    await page.selectOption("#objective", "qp");
    await page.fill("#iterations", "300");
    expect(await page.inputValue("#train")).toBe("data");
    expect(await train()).toBe("done");
    await page.screenshot({ path: join(output, "demo-avi-saw.png"), fullPage: true });

    await page.selectOption("#objective", "pq");
    expect(await train()).toBe("error");
    expect(await page.textContent("#error")).toMatch(/^job.family.amortization: expected "avi" for the pq objective/);
    expect(errors).toEqual([]);
  });
});
