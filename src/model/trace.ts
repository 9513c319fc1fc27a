import { add, mul } from "../autodiff/ops/binary.js";
import { sum } from "../autodiff/ops/reduce.js";
import { scale } from "../autodiff/ops/unary.js";
import { UnknownNameError } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { isDiscrete } from "../distributions/support.js";
import type { ParamStore } from "../nn/param-store.js";
import type { SampleSite, Site, SiteInfo } from "./site.js";

/**
 * The record of one run of a model: its sites in execution order. From it
 * every other layer reads what it needs: latent values, per-row and
 * full-data log densities, the site declarations guides are built from, and
 * the model's learnable parameters.
 */
export class Trace {
  constructor(
    readonly sites: ReadonlyMap<string, Site>,
    /** What the model function returned. */
    readonly returned: unknown,
  ) {}

  /** Sample sites in execution order (latent and observed). */
  get sampleSites(): SampleSite[] {
    return [...this.sites.values()].filter((s): s is SampleSite => s.type === "sample");
  }

  get latentSites(): SampleSite[] {
    return this.sampleSites.filter((s) => !s.observed);
  }

  get observedSites(): SampleSite[] {
    return this.sampleSites.filter((s) => s.observed);
  }

  /** The ParamStores of the model's learnable parameters and modules. */
  get params(): ParamStore[] {
    const out: ParamStore[] = [];
    for (const s of this.sites.values()) if (s.type === "param" && !out.includes(s.store)) out.push(s.store);
    return out;
  }

  /** A sample site by name (UnknownNameError listing the sites otherwise). */
  get(name: string): SampleSite {
    const s = this.sites.get(name);
    if (!s || s.type !== "sample") {
      throw new UnknownNameError("site", `one of ${this.sampleSites.map((x) => `"${x.name}"`).join(", ") || "no sites"}`, JSON.stringify(name));
    }
    return s;
  }

  /** Values of the latent sites by name ([B, dim] local, [1, dim] global). */
  values(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const s of this.latentSites) out[s.name] = s.value;
    return out;
  }

  /** Values of the observed sites by name. */
  observations(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const s of this.observedSites) out[s.name] = s.value;
    return out;
  }

  /** Site declarations (no values), as automatic guides and families read them. */
  info(): SiteInfo[] {
    return this.sampleSites.map((s) => ({
      name: s.name,
      scope: s.scope,
      dim: isDiscrete(s.support) ? 1 : s.dim,
      support: s.support,
      observed: s.observed,
      // bundlers may rename a class (esbuild: _Normal, Normal2): the name a person wrote
      distribution: (s.dist.constructor?.name ?? "Distribution").replace(/^_+/, "").replace(/\d+$/, "") || "Distribution",
    }));
  }

  /**
   * sum over the local sites selected of scale * mask * log p, per row:
   * Tensor [B] (not multiplied by the plate's N / B), or null if none.
   */
  localLogProb(select: (s: SampleSite) => boolean = () => true): Tensor | null {
    let total: Tensor | null = null;
    for (const s of this.sampleSites) {
      if (s.scope !== "local" || !select(s)) continue;
      const lp = weighted(s);
      total = total ? add(total, lp) : lp;
    }
    return total;
  }

  /** sum over the global sites selected of scale * log p, Tensor [1], or null if none. */
  globalLogProb(select: (s: SampleSite) => boolean = () => true): Tensor | null {
    let total: Tensor | null = null;
    for (const s of this.sampleSites) {
      if (s.scope !== "global" || !select(s)) continue;
      const lp = sum(weighted(s));
      total = total ? add(total, lp) : lp;
    }
    return total;
  }

  /**
   * The full-data log joint estimate, Tensor [1]:
   *   log p = sum_global log p(theta) + (N / B) sum_local sum_b log p(.)_b,
   * unbiased under subsampling (each site's N / B is its plate's).
   */
  logJoint(): Tensor {
    let total: Tensor | null = null;
    for (const s of this.sampleSites) {
      const w = s.subsample * s.scale;
      const summed = sum(s.mask ? mul(s.logProb, s.mask) : s.logProb);
      const lp = w === 1 ? summed : scale(summed, w);
      total = total ? add(total, lp) : lp;
    }
    return total ?? Tensor.zeros([1]);
  }
}

function weighted(s: SampleSite): Tensor {
  const lp = s.mask ? mul(s.logProb, s.mask) : s.logProb;
  return s.scale === 1 ? lp : scale(lp, s.scale);
}
