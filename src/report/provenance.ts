// Which amortvi produced a result: the package version and, when the package
// runs from a git checkout of its own, the commit (and whether the work tree
// had changes). Anything else - an npm install, no git, a package inside
// someone else's repository - gives "unknown", never an exception.
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** Version and source of the running amortvi, for results.json. */
export interface Provenance {
  version: string;
  /** `git rev-parse HEAD` of the package's own checkout, or "unknown". */
  commit: string;
  /** Uncommitted changes to tracked files in that checkout (null when the commit is unknown). */
  dirty: boolean | null;
}

/** The folder holding amortvi's package.json (dist/cli.js and src/report/provenance.ts both find it), or null. */
export function packageRoot(): string | null {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const url = new URL(rel, import.meta.url);
      const pkg = JSON.parse(readFileSync(url, "utf8")) as { name?: string };
      if (pkg.name === "amortvi") return dirname(fileURLToPath(url));
    } catch {
      // try the next candidate
    }
  }
  return null;
}

/** amortvi's version from its package.json, or "unknown". */
export function amortviVersion(): string {
  const root = packageRoot();
  if (!root) return "unknown";
  try {
    return (JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function git(root: string, args: string[]): string {
  return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
}

/**
 * The commit of the git checkout whose top level is `root` (`git rev-parse HEAD`),
 * "unknown" if `root` is not the top of a checkout (not in git, git missing, or a
 * package nested in another project's repository, whose commit would say nothing about amortvi).
 */
export function gitCommit(root: string): { commit: string; dirty: boolean | null } {
  try {
    const [top, head] = git(root, ["rev-parse", "--show-toplevel", "HEAD"]).split("\n");
    if (!/^[0-9a-f]{40}$/.test(head ?? "") || realpathSync(top) !== realpathSync(root)) return { commit: "unknown", dirty: null };
    const dirty = git(root, ["status", "--porcelain", "--untracked-files=no"]) !== "";
    return { commit: head, dirty };
  } catch {
    return { commit: "unknown", dirty: null };
  }
}

let cached: Provenance | undefined;

/** Version and commit of the running amortvi (computed once per process). */
export function provenance(): Provenance {
  if (!cached) {
    const root = packageRoot();
    cached = { version: amortviVersion(), ...(root ? gitCommit(root) : { commit: "unknown", dirty: null }) };
  }
  return cached;
}
