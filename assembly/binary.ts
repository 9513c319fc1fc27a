// Broadcasting binary ops out = a (op) b over an output viewed as [rows, cols].
// Each operand is addressed by element (r, j) -> r * rowStride + j * colStep
// with colStep 1 (a row of values) or 0 (one value per row, splatted), so one
// kernel call covers: equal shapes (rows 1), a scalar (stride 0, step 0),
// trailing dims [C] against [B, C] (stride 0, step 1) and [B, 1] against
// [B, C] (stride 1, step 0). The backward reduces over the broadcast axes.
import { at, hsum } from "./scalar";

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

@inline
function applyV(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f64x2.add(x, y);
  if (op == SUB) return f64x2.sub(x, y);
  if (op == MUL) return f64x2.mul(x, y);
  return f64x2.div(x, y);
}

@inline
function applyS(op: i32, x: f64, y: f64): f64 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  return x / y;
}

/** d(out)/d(a) * g for side 0, d(out)/d(b) * g for side 1. */
@inline
function partialV(op: i32, side: i32, a: v128, b: v128, g: v128): v128 {
  if (op == ADD) return g;
  if (op == SUB) return side == 0 ? g : f64x2.neg(g);
  if (op == MUL) return f64x2.mul(g, side == 0 ? b : a);
  return side == 0 ? f64x2.div(g, b) : f64x2.neg(f64x2.div(f64x2.mul(g, a), f64x2.mul(b, b)));
}

@inline
function partialS(op: i32, side: i32, a: f64, b: f64, g: f64): f64 {
  if (op == ADD) return g;
  if (op == SUB) return side == 0 ? g : -g;
  if (op == MUL) return g * (side == 0 ? b : a);
  return side == 0 ? g / b : -(g * a) / (b * b);
}

@inline
function loadV(p: usize, j: i32, vec: bool): v128 {
  return vec ? v128.load(at(p, j)) : v128.load64_splat(p);
}

@inline
function loadS(p: usize, j: i32, vec: bool): f64 {
  return vec ? load<f64>(at(p, j)) : load<f64>(p);
}

@inline
function forwardRows(op: i32, a: usize, ars: i32, av: bool, b: usize, brs: i32, bv: bool, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const pa = at(a, r * ars);
    const pb = at(b, r * brs);
    const po = at(out, r * cols);
    let j = 0;
    for (; j + 2 <= cols; j += 2) v128.store(at(po, j), applyV(op, loadV(pa, j, av), loadV(pb, j, bv)));
    for (; j < cols; j++) store<f64>(at(po, j), applyS(op, loadS(pa, j, av), loadS(pb, j, bv)));
  }
}

@inline
function forwardOp(op: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, out: usize, rows: i32, cols: i32): void {
  if (acs && bcs) forwardRows(op, a, ars, true, b, brs, true, out, rows, cols);
  else if (acs) forwardRows(op, a, ars, true, b, brs, false, out, rows, cols);
  else if (bcs) forwardRows(op, a, ars, false, b, brs, true, out, rows, cols);
  else forwardRows(op, a, ars, false, b, brs, false, out, rows, cols);
}

/** out[r, j] = a[r * ars + j * acs] (op) b[r * brs + j * bcs]; op 0 add, 1 sub, 2 mul, 3 div. */
export function binaryForward(op: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, out: usize, rows: i32, cols: i32): void {
  if (op == ADD) forwardOp(ADD, a, ars, acs, b, brs, bcs, out, rows, cols);
  else if (op == SUB) forwardOp(SUB, a, ars, acs, b, brs, bcs, out, rows, cols);
  else if (op == MUL) forwardOp(MUL, a, ars, acs, b, brs, bcs, out, rows, cols);
  else forwardOp(DIV, a, ars, acs, b, brs, bcs, out, rows, cols);
}

// Accumulates the gradient of one side into d, addressed like that side's
// operand: a row of values is added elementwise, a splatted value receives
// the row's sum.
@inline
function backwardRows(
  op: i32, side: i32, a: usize, ars: i32, av: bool, b: usize, brs: i32, bv: bool,
  g: usize, d: usize, rows: i32, cols: i32,
): void {
  const drs = side == 0 ? ars : brs;
  const dv = side == 0 ? av : bv;
  for (let r = 0; r < rows; r++) {
    const pa = at(a, r * ars);
    const pb = at(b, r * brs);
    const pg = at(g, r * cols);
    const pd = at(d, r * drs);
    let acc = f64x2.splat(0.0);
    let accS = 0.0;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const t = partialV(op, side, loadV(pa, j, av), loadV(pb, j, bv), v128.load(at(pg, j)));
      if (dv) v128.store(at(pd, j), f64x2.add(v128.load(at(pd, j)), t));
      else acc = f64x2.add(acc, t);
    }
    for (; j < cols; j++) {
      const t = partialS(op, side, loadS(pa, j, av), loadS(pb, j, bv), load<f64>(at(pg, j)));
      if (dv) store<f64>(at(pd, j), load<f64>(at(pd, j)) + t);
      else accS += t;
    }
    if (!dv) store<f64>(pd, load<f64>(pd) + hsum(acc) + accS);
  }
}

@inline
function backwardSide(
  op: i32, side: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32,
  g: usize, d: usize, rows: i32, cols: i32,
): void {
  if (acs && bcs) backwardRows(op, side, a, ars, true, b, brs, true, g, d, rows, cols);
  else if (acs) backwardRows(op, side, a, ars, true, b, brs, false, g, d, rows, cols);
  else if (bcs) backwardRows(op, side, a, ars, false, b, brs, true, g, d, rows, cols);
  else backwardRows(op, side, a, ars, false, b, brs, false, g, d, rows, cols);
}

@inline
function backwardOp(
  op: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32,
  g: usize, da: usize, db: usize, rows: i32, cols: i32,
): void {
  if (da) backwardSide(op, 0, a, ars, acs, b, brs, bcs, g, da, rows, cols);
  if (db) backwardSide(op, 1, a, ars, acs, b, brs, bcs, g, db, rows, cols);
}

/**
 * da += reduce(g * d(out)/da), db += reduce(g * d(out)/db) over the broadcast
 * axes; a zero pointer skips that side. Same operand layout as binaryForward.
 */
export function binaryBackward(
  op: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32,
  g: usize, da: usize, db: usize, rows: i32, cols: i32,
): void {
  if (op == ADD) backwardOp(ADD, a, ars, acs, b, brs, bcs, g, da, db, rows, cols);
  else if (op == SUB) backwardOp(SUB, a, ars, acs, b, brs, bcs, g, da, db, rows, cols);
  else if (op == MUL) backwardOp(MUL, a, ars, acs, b, brs, bcs, g, da, db, rows, cols);
  else backwardOp(DIV, a, ars, acs, b, brs, bcs, g, da, db, rows, cols);
}
