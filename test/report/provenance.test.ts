import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { amortviVersion, gitCommit, packageRoot, provenance } from "../../src/report/provenance.js";

const hasGit = (() => {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("provenance", () => {
  it("reads the version from amortvi's package.json", () => {
    const root = packageRoot();
    expect(root).not.toBeNull();
    const pkg = JSON.parse(readFileSync(join(root!, "package.json"), "utf8"));
    expect(pkg.name).toBe("amortvi");
    expect(amortviVersion()).toBe(pkg.version);
    expect(provenance().version).toBe(pkg.version);
  });

  it.skipIf(!hasGit)("gives this checkout's commit (git rev-parse HEAD)", () => {
    const root = packageRoot()!;
    let head = "unknown";
    try {
      head = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      // not a checkout (e.g. a tarball): then "unknown" is the right answer
    }
    expect(gitCommit(root).commit).toBe(head);
  });

  it('is "unknown" outside git and for a folder nested inside another repository, without throwing', () => {
    const outside = mkdtempSync(join(tmpdir(), "amortvi-nogit-"));
    expect(gitCommit(outside)).toEqual({ commit: "unknown", dirty: null });
    expect(gitCommit(join(outside, "does-not-exist"))).toEqual({ commit: "unknown", dirty: null });
    if (!hasGit) return;
    const repo = realpathSync(mkdtempSync(join(tmpdir(), "amortvi-git-")));
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { stdio: "ignore" });
    git("init", "-q");
    writeFileSync(join(repo, "a.txt"), "a");
    git("add", "a.txt");
    git("commit", "-qm", "init");
    const nested = join(repo, "node_modules", "amortvi");
    mkdirSync(nested, { recursive: true });
    expect(gitCommit(nested).commit).toBe("unknown");
    const top = gitCommit(repo);
    expect(top.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(top.dirty).toBe(false);
    writeFileSync(join(repo, "a.txt"), "changed");
    expect(gitCommit(repo).dirty).toBe(true);
  });
});
