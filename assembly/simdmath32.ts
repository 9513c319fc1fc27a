// f32x4 elementary functions for the f32 activation kernels (helpers, not
// exported from index.ts). PLACEHOLDER: lane by lane through Mathf, to be
// replaced by branch-free f32x4 formulas.

// @ts-ignore: decorator
@inline
function laneWise(x: v128, f: (v: f32) => f32): v128 {
  let r = f32x4.splat(f(f32x4.extract_lane(x, 0)));
  r = f32x4.replace_lane(r, 1, f(f32x4.extract_lane(x, 1)));
  r = f32x4.replace_lane(r, 2, f(f32x4.extract_lane(x, 2)));
  r = f32x4.replace_lane(r, 3, f(f32x4.extract_lane(x, 3)));
  return r;
}

/** tanh on four f32 lanes. */
export function tanhV4(x: v128): v128 {
  return laneWise(x, (v: f32): f32 => Mathf.tanh(v));
}

/** 1 / (1 + e^-x) on four f32 lanes. */
export function sigmoidV4(x: v128): v128 {
  return laneWise(x, (v: f32): f32 => (v >= 0 ? <f32>1 / (<f32>1 + Mathf.exp(-v)) : Mathf.exp(v) / (<f32>1 + Mathf.exp(v))));
}

/** e^x on four f32 lanes. */
export function expV4(x: v128): v128 {
  return laneWise(x, (v: f32): f32 => Mathf.exp(v));
}
