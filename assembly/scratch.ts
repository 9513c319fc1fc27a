// Per-instance scratch the kernels may use for packing. A module global, not
// a static address: instances that share one (shared) memory, one per
// thread, each get their own region through setGemmPanel.

/** Bytes of the packing panel every gemm kernel may use (f64 and f32). */
export const GEMM_PANEL_BYTES: i32 = 65536;

let panel: usize = memory.data(GEMM_PANEL_BYTES, 16);

/** Start of this instance's packing panel. */
// @ts-ignore: decorator
@inline
export function gemmPanel(): usize {
  return panel;
}

/** Gives this instance its own GEMM_PANEL_BYTES panel at p (16-byte aligned). */
export function setGemmPanel(p: usize): void {
  panel = p;
}
