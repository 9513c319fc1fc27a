// The browser test's page: trains note-1 with the built package (dist/index.js)
// for ?steps= steps from ?seed=, then draws both loss curves (SVG) and the final
// a, b, c beside the exact ones. window.amortviResult holds the numbers for the
// test to compare with Node's; document.body.dataset.done says "ok" or "error".
import * as amortvi from "/dist/index.js";
import { trainNote1 } from "/test/browser/note1-run.js";

const query = new URLSearchParams(location.search);
const steps = Number(query.get("steps") ?? 500);
const seed = Number(query.get("seed") ?? 1);
const SVG = "http://www.w3.org/2000/svg";

/** Each curve as a polyline of its running mean over windows of `window` steps, on shared axes. */
function drawLosses(svg, runs, window = 20) {
  const width = Number(svg.getAttribute("width")), height = Number(svg.getAttribute("height")), pad = 30;
  const curves = Object.entries(runs).map(([name, run]) => {
    const points = [];
    for (let s = 0; s + window <= run.losses.length; s += window) points.push([s + window / 2, run.losses.slice(s, s + window).reduce((t, v) => t + v, 0) / window]);
    return [name, points];
  });
  const ys = curves.flatMap(([, p]) => p.map(([, y]) => y));
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const x = (s) => pad + ((width - 2 * pad) * s) / steps;
  const y = (v) => height - pad - ((height - 2 * pad) * (v - lo)) / (hi - lo || 1);
  for (const [name, points] of curves) {
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("class", name);
    line.setAttribute("fill", "none");
    line.setAttribute("stroke-width", "2");
    line.setAttribute("points", points.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(" "));
    svg.append(line);
    const label = document.createElementNS(SVG, "text");
    label.textContent = `${name} loss`;
    label.setAttribute("x", String(width - pad - 60));
    label.setAttribute("y", String(y(points.at(-1)[1]) - 6));
    svg.append(label);
  }
  const axis = document.createElementNS(SVG, "text");
  axis.textContent = `step (0 … ${steps}), running mean of ${window}`;
  axis.setAttribute("x", String(pad));
  axis.setAttribute("y", String(height - 8));
  svg.append(axis);
}

function drawParams(table, runs) {
  const exact = { a: 0.5, b: 0, c: Math.SQRT1_2 };
  table.innerHTML = `<tr><th></th>${Object.keys(exact).map((p) => `<th>${p}</th>`).join("")}</tr>` +
    Object.entries(runs).map(([name, run]) => `<tr><th>${name}</th>${[run.a, run.b, Math.exp(run.logC)].map((v) => `<td>${v.toFixed(4)}</td>`).join("")}</tr>`).join("") +
    `<tr><th>exact</th>${Object.values(exact).map((v) => `<td>${v.toFixed(4)}</td>`).join("")}</tr>`;
}

try {
  const t0 = performance.now();
  const runs = await trainNote1(amortvi, { steps, seed });
  drawLosses(document.getElementById("losses"), runs);
  drawParams(document.getElementById("params"), runs);
  document.getElementById("status").textContent = `trained qp and pq for ${steps} steps each (seed ${seed}) in ${((performance.now() - t0) / 1000).toFixed(2)} s`;
  window.amortviResult = runs;
  document.body.dataset.done = "ok";
} catch (err) {
  document.getElementById("status").textContent = `failed: ${err}`;
  document.body.dataset.done = "error";
  throw err;
}
