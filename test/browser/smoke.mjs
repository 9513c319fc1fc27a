// Browser smoke test (npm run test:browser; not part of npm test): serves the
// built dist/ over a tiny HTTP server, loads dist/index.js as an ES module in
// headless Debian chromium through playwright-core, runs `await init()` and a
// small computation (with save / load exported: a short fit and its saved
// bytes), and checks that the numbers equal Node's bit for bit.
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "../..");
const dist = join(root, "dist");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(join(dist, "index.js"))) fail("dist/index.js is missing: run `npm run build` first");
if (!existsSync(executablePath)) fail(`no chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

function fail(message) {
  console.error(`browser smoke: FAIL: ${message}`);
  process.exit(1);
}

// The computation, as source, so that Node and the page run the very same code.
const computation = `async (m) => {
  await m.init();
  const x = m.Tensor.from([0, 0.5, -1, 2, -3.25, 1e-8, 20], [7]);
  const rng = new m.Rng(1);
  const out = {
    tanh: Array.from(m.tanh(x).toArray()),
    normals: Array.from(rng.normal([9]).toArray()),
    uniforms: Array.from(rng.uniform([5]).toArray()),
  };
  // once the linalg ops are in the build: a SIMD dense layer on odd shapes too
  if (typeof m.dense === "function") {
    const input = rng.normal([5, 7]), W = rng.normal([7, 3]), b = rng.normal([3]);
    out.dense = Array.from(m.dense(input, W, b, "tanh").toArray());
    // the f32 compute path: f32x4 gemm, tanh and conversions
    out.dense32 = Array.from(m.dense(input, W, b, "tanh", 0.01, { precision: "f32" }).toArray());
    out.sigmoid32 = Array.from(m.dense(rng.normal([9, 13]), rng.normal([13, 6]), null, "sigmoid", 0.01, { precision: "f32" }).toArray());
  }
  // once save / load are in the root export (issue 13): a short VAE fit and its saved bytes, the same in both, loaded back
  if (typeof m.save === "function" && typeof m.load === "function") {
    // data from amortvi's generator, not Math.sin / Math.cos: recent V8 (Chromium) computes those with glibc's
    // routines, Node 20's V8 with fdlibm, and they differ in the last bit for some arguments
    const rows = new m.Rng(2).normal([60, 2]).toArray();
    const v = m.vae({ obsDim: 2, latentDim: 1, hidden: 8, rng: 3 });
    const r = m.fit({ model: v.model, guide: v.guide, objective: m.elbo({ scale: "datapoint" }), data: new m.Dataset(rows, { dim: 2 }), iterations: 20, batchSize: 20, lr: 1e-2, rng: 5 });
    out.fitLosses = Array.from(r.losses);
    const bytes = m.save({ guide: v.guide, model: [v.decoderParams] });
    out.saved = Array.from(bytes);
    const w = m.vae({ obsDim: 2, latentDim: 1, hidden: 8, rng: 4 });
    m.load({ guide: w.guide, model: [w.decoderParams] }, bytes);
    out.loaded = Array.from(w.decoderParams.values.toArray());
  }
  return out;
}`;

const TYPES = { ".js": "text/javascript", ".map": "application/json", ".wasm": "application/wasm", ".html": "text/html" };
const page = `<!doctype html><html><head><meta charset="utf-8"><title>amortvi smoke</title></head><body></body></html>`;
const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (path === "/" || path === "/index.html") {
    res.writeHead(200, { "content-type": "text/html" }).end(page);
    return;
  }
  const file = normalize(join(dist, path));
  if (!file.startsWith(dist) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const expected = await eval(computation)(await import(join(dist, "index.js")));
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
const errors = [];
let got;
try {
  const tab = await browser.newPage();
  tab.on("pageerror", (e) => errors.push(String(e)));
  tab.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await tab.goto(url);
  got = await tab.evaluate(`(async () => (${computation})(await import("/index.js")))()`);
  console.log(`chromium ${browser.version()}`);
} finally {
  await browser.close();
  server.close();
}

if (errors.length > 0) fail(`errors in the page:\n${errors.join("\n")}`);
let mismatches = 0;
for (const key of Object.keys(expected)) {
  const a = expected[key];
  const b = got[key];
  const same = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  console.log(`${key.padEnd(8)} node ${JSON.stringify(a.slice(0, 3))}... browser ${JSON.stringify(b.slice(0, 3))}... ${same ? "identical" : "DIFFERENT"}`);
  if (!same) mismatches++;
}
if (mismatches > 0) fail(`${mismatches} result(s) differ between Node and chromium`);
console.log("browser smoke: OK (dist/index.js in headless chromium gives the same numbers as Node, bit for bit)");
