// The README's examples run as written: every ```ts block is extracted,
// its `from "amortvi"` imports pointed at src/, run, and its printed output
// checked against the pattern in the <!-- readme-test: /.../ --> comment that
// follows it (blocks without one must run without throwing).
import { describe, it, expect } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```\n(?:<!-- readme-test: \/(.*)\/ -->)?/g)].map((m, i) => ({
  index: i + 1,
  code: m[1],
  expect: m[2] ? new RegExp(m[2]) : null,
}));

describe("README examples", () => {
  it("has examples", () => expect(blocks.length).toBeGreaterThanOrEqual(2));
  for (const block of blocks) {
    it(`block ${block.index} runs${block.expect ? ` and prints ${block.expect}` : ""}`, async () => {
      const dir = join(root, ".tmp", "readme");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `block-${block.index}.ts`);
      const code = block.code.replace(/from "amortvi(\/[a-z-]+)?"/g, (_, sub: string | undefined) => `from ${JSON.stringify(join(root, "src", sub ? `${sub.slice(1)}.ts` : "index.ts"))}`);
      writeFileSync(file, code);
      const lines: string[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
      try {
        await import(/* @vite-ignore */ pathToFileURL(file).href);
      } finally {
        console.log = log;
      }
      if (process.env.README_PRINT) log(lines.join("\n"));
      if (block.expect) expect(lines.join("\n")).toMatch(block.expect);
    });
  }
});
