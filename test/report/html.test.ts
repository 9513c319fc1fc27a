import { describe, expect, it } from "vitest";
import { escapeHtml, formatValue, renderHtml } from "../../src/report/html.js";

describe("formatValue", () => {
  it.each([
    [3, "3"],
    [0.50123456, "0.50123"],
    [1234.5678, "1234.6"],
    [1.2e-7, "1.2000e-7"],
    [0, "0"],
    [NaN, "NaN"],
    ["text", "text"],
  ])("%s -> %s", (v, s) => expect(formatValue(v)).toBe(s));
});

describe("renderHtml", () => {
  it("escapes text, tabulates the headline numbers and inlines the SVGs", () => {
    const html = renderHtml({
      title: "note-1 <q>",
      description: "a & b",
      settings: { seed: 3, iterations: undefined },
      headline: { "a (qp)": 0.4999999, gap: "n/a" },
      figures: [{ title: "fig", svg: '<?xml version="1.0"?>\n<svg id="s1"></svg>' }],
      notes: ["<b>n</b>"],
    });
    expect(html).toContain("<title>note-1 &lt;q&gt;</title>");
    expect(html).toContain("a &amp; b");
    expect(html).toContain("seed: 3");
    expect(html).not.toContain("iterations");
    expect(html).toContain('<tr><th>a (qp)</th><td class="num">0.5</td></tr>');
    expect(html).toContain('<svg id="s1"></svg>');
    expect(html).not.toContain("<?xml");
    expect(html).toContain("&lt;b&gt;n&lt;/b&gt;");
    expect(escapeHtml(`'"`)).toBe("&#39;&quot;");
  });
});
