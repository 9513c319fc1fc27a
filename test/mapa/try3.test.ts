import { it } from "vitest";
import { getExperiment, quietContext } from "../../src/experiments/index.js";
it("q", async () => {
  const r = await getExperiment("mapa-synthetic").run({ quick: true, seed: 1, outDir: "." }, quietContext(console.log));
  console.log(JSON.stringify(r.headline, null, 0));
});
