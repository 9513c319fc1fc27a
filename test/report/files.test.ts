import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeJsonAtomic, writeTextAtomic } from "../../src/report/files.js";

const dir = mkdtempSync(join(tmpdir(), "amortvi-files-"));

describe("writeTextAtomic / writeJsonAtomic", () => {
  it("creates missing folders, writes and overwrites without leaving temporary files", async () => {
    const path = join(dir, "a", "b", "x.txt");
    await writeTextAtomic(path, "one");
    await writeTextAtomic(path, "two");
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["x.txt"]);
  });

  it("keeps NaN and infinities readable and turns typed arrays into arrays", async () => {
    const path = join(dir, "r.json");
    await writeJsonAtomic(path, { a: NaN, b: -Infinity, c: new Float64Array([1, 2.5]), d: 3 });
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ a: "NaN", b: "-Infinity", c: [1, 2.5], d: 3 });
  });

  it("on failure leaves the earlier file intact and removes its temporary file", async () => {
    const sub = join(dir, "fail");
    mkdirSync(join(sub, "target"), { recursive: true }); // a folder where the file should go: rename fails
    await writeTextAtomic(join(sub, "kept.txt"), "kept");
    await expect(writeTextAtomic(join(sub, "target"), "x")).rejects.toThrow();
    expect(readdirSync(sub).sort()).toEqual(["kept.txt", "target"]);
    expect(readFileSync(join(sub, "kept.txt"), "utf8")).toBe("kept");
  });
});
