import type { Runtime } from "./runtime.js";
import type { Tensor } from "./tensor.js";

export const ALIGN = 16;
/** n rounded up to a multiple of ALIGN (plain arithmetic: bitwise operators would wrap at 2^31). */
export const alignUp = (n: number) => (n < 2 ** 30 ? (n + ALIGN - 1) & ~(ALIGN - 1) : Math.ceil(n / ALIGN) * ALIGN);

/**
 * A span of memory whose tensors are all released together: one persistent
 * allocation (released by `dispose()`), or one generation of an arena scope
 * (released when the scope ends or the arena is reset). A tensor holds its
 * region; reading `ptr` checks `live` (one load and one branch), so a tensor
 * used after its memory was released throws DisposedTensorError instead of
 * reading memory that another tensor now owns.
 *
 * A region `mergedInto` another (a tidy scope that ended while a recorded
 * graph still needed its tensors) is dead but not released: its tensors
 * move lazily to the live region at the end of the chain.
 */
export class MemoryRegion {
  live = true;
  /** Why the memory was released ("dispose()", "the end of its tidy() scope", ...); "" while live. */
  releasedBy = "";
  /** A step number completing `releasedBy` (formatted only when an error is thrown); 0 for none. */
  releasedAt = 0;
  mergedInto: MemoryRegion | null = null;

  constructor(
    /** The allocation a persistent region owns (ptr, bytes); 0, 0 for an arena region. */
    readonly ptr = 0,
    readonly bytes = 0,
  ) {}

  release(reason: string, at = 0): void {
    this.live = false;
    this.releasedBy = reason;
    this.releasedAt = at;
  }

  /** The live region this one's tensors now belong to, or null if their memory was released. */
  resolve(): MemoryRegion | null {
    let r: MemoryRegion = this;
    while (!r.live && r.mergedInto) r = r.mergedInto;
    return r.live ? r : null;
  }

  /** The reason the chain ending here was released. */
  get reason(): string {
    let r: MemoryRegion = this;
    while (!r.live && r.mergedInto) r = r.mergedInto;
    return r.releasedAt > 0 ? `${r.releasedBy} ${r.releasedAt}` : r.releasedBy;
  }
}

/** A region shared by arena tensors disposed one by one (their memory returns with their scope). */
export const DISPOSED_ARENA_TENSOR = new MemoryRegion();
DISPOSED_ARENA_TENSOR.release("dispose()");

/** One open scope of the arena: where it starts, its current region, what it must dispose. */
export interface ArenaScope {
  readonly mark: number;
  region: MemoryRegion;
  /** Persistent tensors made inside the scope (disposed at its end unless returned or kept). */
  readonly persistent: Tensor[];
  /** Tensors passed to keep() inside the scope (they survive every enclosing scope). */
  readonly kept: Tensor[];
}

/**
 * Bump allocator for temporaries, organised as a stack of scopes. The root
 * scope holds what ops make outside any tidy(); `valueAndGrad` resets the
 * innermost scope at the start of each step; `openScope()` / `closeScope()`
 * bracket a tidy(). `mark()` / `restore(m)` remain for raw scratch memory
 * inside one scope (no liveness check for tensors made between them).
 *
 * When a step needs more than the current block, a larger block is taken
 * from persistent memory; at the next root reset the blocks are merged into
 * one of the combined size, so after a warm-up step the arena never
 * allocates again.
 */
export class Arena {
  /** The region arena tensors made now belong to (the innermost scope's). */
  region = new MemoryRegion();
  private blocks: { ptr: number; size: number }[] = [];
  private block = 0;
  private pos = 0;
  private highWater = 0;
  private readonly scopes: ArenaScope[] = [];

  constructor(
    private readonly rt: Runtime,
    initialBytes: number,
  ) {
    this.blocks.push({ ptr: rt.alloc(initialBytes), size: initialBytes });
    this.scopes.push({ mark: 0, region: this.region, persistent: [], kept: [] });
  }

  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, ALIGN));
    let b = this.blocks[this.block];
    if (this.pos + size > b.size) {
      this.block++;
      if (this.block >= this.blocks.length) {
        const blockSize = Math.max(size, 2 * b.size);
        this.blocks.push({ ptr: this.rt.alloc(blockSize), size: blockSize });
      }
      b = this.blocks[this.block];
      this.pos = 0;
      if (size > b.size) {
        // a later, smaller block: replace it by one that fits (it holds nothing live)
        this.rt.release(b.ptr, b.size);
        b.ptr = this.rt.alloc(size);
        b.size = size;
      }
    }
    const ptr = b.ptr + this.pos;
    this.pos += size;
    return ptr;
  }

  /** Bytes handed out since the last root reset. */
  get used(): number {
    let total = this.pos;
    for (let i = 0; i < this.block; i++) total += this.blocks[i].size;
    return total;
  }

  mark(): number {
    return this.block * 2 ** 32 + this.pos;
  }

  restore(mark: number): void {
    this.block = Math.floor(mark / 2 ** 32);
    this.pos = mark % 2 ** 32;
  }

  /** Arena order of an address handed out by alloc (comparable with mark()), or -1 if it is not in a used block. */
  positionOf(ptr: number): number {
    for (let i = 0; i <= this.block; i++) {
      const b = this.blocks[i];
      if (ptr >= b.ptr && ptr < b.ptr + b.size) return i * 2 ** 32 + (ptr - b.ptr);
    }
    return -1;
  }

  /** Number of open tidy scopes (0 at the root). */
  get depth(): number {
    return this.scopes.length - 1;
  }

  /** The innermost open scope. */
  get scope(): ArenaScope {
    return this.scopes[this.scopes.length - 1];
  }

  /**
   * Releases everything the innermost scope holds in the arena (its tensors
   * throw DisposedTensorError naming `reason` and `at`, a step number, from
   * now on) and starts a new generation of it. At the root this empties the
   * whole arena and merges its blocks into one.
   */
  reset(reason = "arena.reset()", at = 0): void {
    const scope = this.scope;
    scope.region.release(reason, at);
    scope.region = this.region = new MemoryRegion();
    if (this.scopes.length > 1) {
      this.restore(scope.mark);
      return;
    }
    this.highWater = Math.max(this.highWater, this.used);
    if (this.blocks.length > 1) {
      const total = this.blocks.reduce((s, b) => s + b.size, 0);
      for (const b of this.blocks) this.rt.release(b.ptr, b.size);
      this.blocks = [{ ptr: this.rt.alloc(total), size: total }];
    }
    this.block = 0;
    this.pos = 0;
  }

  /** Opens a nested scope at the current position (see tidy in scope.ts). */
  openScope(): ArenaScope {
    const scope: ArenaScope = { mark: this.mark(), region: new MemoryRegion(), persistent: [], kept: [] };
    this.scopes.push(scope);
    this.region = scope.region;
    return scope;
  }

  /**
   * Closes the innermost scope. With `free`, its arena memory returns to the
   * parent (its region is released with `reason`); otherwise its region is
   * merged into the parent's and nothing moves.
   */
  closeScope(free: boolean, reason: string): ArenaScope {
    if (this.scopes.length === 1) throw new Error("amortvi: closeScope without an open scope");
    const scope = this.scopes.pop()!;
    const parent = this.scope;
    this.region = parent.region;
    if (free) {
      scope.region.release(reason);
      this.restore(scope.mark);
    } else {
      scope.region.live = false;
      scope.region.mergedInto = parent.region;
    }
    return scope;
  }

  /** Largest number of bytes used by any step so far. */
  get peakBytes(): number {
    return Math.max(this.highWater, this.used);
  }
}
