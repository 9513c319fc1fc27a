import { describe, expect, it } from "vitest";
import { consoleContext, plainContext } from "../../src/cli/progress.js";

function sink(isTTY = false) {
  const lines: string[] = [];
  return { stream: { isTTY, write: (s: string) => lines.push(s) }, lines };
}

describe("plainContext", () => {
  it("prints the start, every further 10% and the end, with the latest metrics", () => {
    const { stream, lines } = sink();
    let t = 0;
    const ctx = plainContext(stream, 1e9, () => t);
    ctx.progress.start(100, "train");
    for (let i = 0; i < 100; i++) {
      t += 10;
      ctx.progress.tick(1, { loss: 1 / (i + 1) });
    }
    ctx.progress.stop();
    expect(lines).toHaveLength(11); // 0%, 10%..90%, stop at 100%
    expect(lines[0]).toBe("train: 0/100 (0%) 0.0s\n");
    expect(lines[1]).toBe("train: 10/100 (10%) 0.1s loss=0.1\n");
    expect(lines[10]).toBe("train: 100/100 (100%) 1.0s loss=0.01\n");
  });

  it("also prints when the interval has passed between 10% marks", () => {
    const { stream, lines } = sink();
    let t = 0;
    const ctx = plainContext(stream, 1000, () => t);
    ctx.progress.start(1000, "slow");
    t = 1500;
    ctx.progress.tick(1);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("slow: 1/1000");
  });

  it("writes log lines as they are", () => {
    const { stream, lines } = sink();
    plainContext(stream).log("hello");
    expect(lines).toEqual(["hello\n"]);
  });
});

describe("consoleContext", () => {
  it("draws a bar on a terminal", () => {
    const { stream, lines } = sink(true);
    const ctx = consoleContext(stream);
    ctx.progress.start(10, "bar-label");
    ctx.progress.tick(10, { loss: 0.5 });
    ctx.progress.stop();
    ctx.close();
    expect(lines.join("")).toContain("bar-label");
    expect(lines.join("")).toContain("10/10");
  });
});
