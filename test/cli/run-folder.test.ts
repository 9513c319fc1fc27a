import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunFolderError, makeFolders, openRunFolder } from "../../src/cli/run-folder.js";

const tmp = mkdtempSync(join(tmpdir(), "amortvi-run-folder-"));

describe("the CLI's run folder", () => {
  it("a run is staged next to <out> and swapped in whole; the previous <out> is replaced, never merged", () => {
    const out = join(tmp, "a", "b", "out");
    const first = openRunFolder(out, { seed: 1 }, { resume: false });
    writeFileSync(join(first.staging, "results.json"), "one");
    writeFileSync(join(first.staging, "only-in-first.svg"), "x");
    expect(existsSync(out)).toBe(false);
    first.commit();
    expect(readdirSync(out).sort()).toEqual(["only-in-first.svg", "results.json"]);
    const second = openRunFolder(out, { seed: 2 }, { resume: false });
    writeFileSync(join(second.staging, "results.json"), "two");
    expect(readFileSync(join(out, "results.json"), "utf8")).toBe("one"); // untouched until the commit
    second.commit();
    expect(readdirSync(out)).toEqual(["results.json"]);
    expect(readFileSync(join(out, "results.json"), "utf8")).toBe("two");
    expect(readdirSync(join(tmp, "a", "b"))).toEqual(["out"]); // run folder and old copy gone
  });

  it("--resume continues the same invocation only; without it an unfinished run is discarded", () => {
    const out = join(tmp, "r");
    const a = openRunFolder(out, { seed: 1 }, { resume: false });
    const cp = a.checkpoints.next("first fit");
    expect(cp.resume).toBeUndefined();
    writeFileSync(join(tmp, ".r.amortvi-run", "checkpoints", "0001-first-fit.ckpt"), "");
    expect(() => openRunFolder(out, { seed: 2 }, { resume: true })).toThrow(RunFolderError);
    expect(() => openRunFolder(out, { seed: 2 }, { resume: true })).toThrow(/--resume: expected the invocation of the unfinished run/);
    const logs: string[] = [];
    const again = openRunFolder(out, { seed: 1 }, { resume: true, log: (m) => logs.push(m) });
    expect(again.resumed).toBe(true);
    expect(() => again.checkpoints.next("first fit")).toThrow(/checkpoint/); // the empty file is not a checkpoint
    const fresh = openRunFolder(out, { seed: 2 }, { resume: false });
    expect(fresh.discarded).toBe(true);
    expect(readdirSync(join(tmp, ".r.amortvi-run", "checkpoints"))).toEqual([]);
  });

  it("a run killed between the two renames of its commit gets the previous results back", () => {
    const out = join(tmp, "k");
    const parent = tmp;
    mkdirSync(join(parent, ".k.amortvi-old-123"));
    writeFileSync(join(parent, ".k.amortvi-old-123", "results.json"), "previous");
    openRunFolder(out, {}, { resume: false });
    expect(readFileSync(join(out, "results.json"), "utf8")).toBe("previous");
    expect(existsSync(join(parent, ".k.amortvi-old-123"))).toBe(false);
  });

  it("special and unwritable paths fail at once", () => {
    const t0 = Date.now();
    for (const p of ["/proc/x", "/proc/x/y", "/dev/null", "/dev/null/z"]) expect(() => openRunFolder(p, {}, { resume: false }), p).toThrow(/--out: expected a folder that can be created and written/);
    expect(() => makeFolders("/proc/x/y/z")).toThrow();
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
