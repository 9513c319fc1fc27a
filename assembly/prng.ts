// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011): a counter-based generator. Block b of a stream with key (k0, k1)
// is philox(counter = start + b, key); the JS side owns the counter, so any
// sequence is reproducible from (seed, counter) alone, in Node and in browsers.
import { logPositiveV, sinCosTurnV } from "./simdmath";

const M0: u64 = 0xd2511f53;
const M1: u64 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;
const INV_2_53: f64 = 1.0 / 9007199254740992.0;

// Output of the last block, read by the fill loops.
let o0: u32 = 0;
let o1: u32 = 0;
let o2: u32 = 0;
let o3: u32 = 0;

@inline
function philoxBlock(ctr: u64, key0: u32, key1: u32): void {
  philoxRounds(<u32>ctr, <u32>(ctr >> 32), 0, 0, key0, key1);
}

/** Ten Philox rounds on counter (c0..c3) with key (key0, key1); result in o0..o3. */
@inline
function philoxRounds(c0: u32, c1: u32, c2: u32, c3: u32, key0: u32, key1: u32): void {
  let k0 = key0;
  let k1 = key1;
  for (let r = 0; r < 10; r++) {
    const p0 = M0 * <u64>c0;
    const p1 = M1 * <u64>c2;
    const n0 = (<u32>(p1 >> 32)) ^ c1 ^ k0;
    const n1 = <u32>p1;
    const n2 = (<u32>(p0 >> 32)) ^ c3 ^ k1;
    const n3 = <u32>p0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += W0;
    k1 += W1;
  }
  o0 = c0; o1 = c1; o2 = c2; o3 = c3;
}

// Eight blocks at once in two groups of four: lane j of a group's C0..C3
// holds word 0..3 of its block j. The 32x32 -> 64 products come from
// i64x2.extmul_{low,high}_i32x4_u; one shuffle gathers their high words and
// one their low words. Same arithmetic, same bits as philoxRounds.
let v0: v128 = i32x4.splat(0);
let v1: v128 = i32x4.splat(0);
let v2: v128 = i32x4.splat(0);
let v3: v128 = i32x4.splat(0);
let u0: v128 = i32x4.splat(0);
let u1: v128 = i32x4.splat(0);
let u2: v128 = i32x4.splat(0);
let u3: v128 = i32x4.splat(0);

/** Counter words (low, high) of blocks ctr .. ctr + 3 on four lanes. */
// @ts-ignore: decorator
@inline
function counterLo4(ctr: u64): v128 {
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>ctr), 1, <i32>(ctr + 1)), 2, <i32>(ctr + 2)), 3, <i32>(ctr + 3));
}

// @ts-ignore: decorator
@inline
function counterHi4(ctr: u64): v128 {
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>(ctr >> 32)), 1, <i32>((ctr + 1) >> 32)), 2, <i32>((ctr + 2) >> 32)), 3, <i32>((ctr + 3) >> 32));
}

/**
 * Ten Philox rounds on blocks ctr .. ctr + 7: two independent groups of four
 * interleaved, because one group is bound by the latency of the multiply
 * chain. Blocks ctr..ctr+3 end in v0..v3, ctr+4..ctr+7 in u0..u3.
 */
// @ts-ignore: decorator
@inline
function philoxBlocks8(ctr: u64, key0: u32, key1: u32): void {
  let c0 = counterLo4(ctr), c1 = counterHi4(ctr), c2 = i32x4.splat(0), c3 = i32x4.splat(0);
  let d0 = counterLo4(ctr + 4), d1 = counterHi4(ctr + 4), d2 = i32x4.splat(0), d3 = i32x4.splat(0);
  const m0 = i32x4.splat(<i32>M0);
  const m1 = i32x4.splat(<i32>M1);
  let k0 = key0;
  let k1 = key1;
  for (let r = 0; r < 10; r++) {
    const kk0 = i32x4.splat(k0), kk1 = i32x4.splat(k1);
    const pc2l = i64x2.extmul_low_i32x4_u(c2, m1), pc2h = i64x2.extmul_high_i32x4_u(c2, m1);
    const pc0l = i64x2.extmul_low_i32x4_u(c0, m0), pc0h = i64x2.extmul_high_i32x4_u(c0, m0);
    const pd2l = i64x2.extmul_low_i32x4_u(d2, m1), pd2h = i64x2.extmul_high_i32x4_u(d2, m1);
    const pd0l = i64x2.extmul_low_i32x4_u(d0, m0), pd0h = i64x2.extmul_high_i32x4_u(d0, m0);
    const n0 = v128.xor(v128.xor(v128.shuffle<u32>(pc2l, pc2h, 1, 3, 5, 7), c1), kk0);
    const n2 = v128.xor(v128.xor(v128.shuffle<u32>(pc0l, pc0h, 1, 3, 5, 7), c3), kk1);
    const e0 = v128.xor(v128.xor(v128.shuffle<u32>(pd2l, pd2h, 1, 3, 5, 7), d1), kk0);
    const e2 = v128.xor(v128.xor(v128.shuffle<u32>(pd0l, pd0h, 1, 3, 5, 7), d3), kk1);
    c1 = v128.shuffle<u32>(pc2l, pc2h, 0, 2, 4, 6);
    c3 = v128.shuffle<u32>(pc0l, pc0h, 0, 2, 4, 6);
    d1 = v128.shuffle<u32>(pd2l, pd2h, 0, 2, 4, 6);
    d3 = v128.shuffle<u32>(pd0l, pd0h, 0, 2, 4, 6);
    c0 = n0; c2 = n2; d0 = e0; d2 = e2;
    k0 += W0;
    k1 += W1;
  }
  v0 = c0; v1 = c1; v2 = c2; v3 = c3;
  u0 = d0; u1 = d1; u2 = d2; u3 = d3;
}

/** The eight uniforms of four blocks (words w0..w3 on lanes) in block order: (w0, w1), (w2, w3) per block. */
// @ts-ignore: decorator
@inline
function storeUnits4(p: usize, w0: v128, w1: v128, w2: v128, w3: v128): void {
  const a01 = toUnitV(w0, w1, 0); // blocks 0, 1: first values
  const b01 = toUnitV(w2, w3, 0); // blocks 0, 1: second values
  const a23 = toUnitV(w0, w1, 2);
  const b23 = toUnitV(w2, w3, 2);
  v128.store(p, v128.shuffle<f64>(a01, b01, 0, 2));
  v128.store(p, v128.shuffle<f64>(a01, b01, 1, 3), 16);
  v128.store(p, v128.shuffle<f64>(a23, b23, 0, 2), 32);
  v128.store(p, v128.shuffle<f64>(a23, b23, 1, 3), 48);
}

/** toUnit on two lanes: lanes (lane, lane + 1) of hi / lo words; lane = 0 or 2. */
// @ts-ignore: decorator
@inline
function toUnitV(hi: v128, lo: v128, lane: i32): v128 {
  // after the shifts both are < 2^27: the signed conversion (one cvtdq2pd) is exact
  const h = i32x4.shr_u(hi, 5);
  const l = i32x4.shr_u(lo, 6);
  const hs = lane == 0 ? h : v128.shuffle<u32>(h, h, 2, 3, 0, 1);
  const ls = lane == 0 ? l : v128.shuffle<u32>(l, l, 2, 3, 0, 1);
  return f64x2.mul(
    f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(hs), f64x2.splat(67108864.0)), f64x2.convert_low_i32x4_s(ls)),
    f64x2.splat(INV_2_53),
  );
}

@inline
function toUnit(hi: u32, lo: u32): f64 {
  // 53 random bits -> [0, 1)
  return (<f64>(hi >>> 5) * 67108864.0 + <f64>(lo >>> 6)) * INV_2_53;
}

/** Writes n uniforms in [0, 1) to out; uses ceil(n / 2) counter blocks starting at ctr. */
export function philoxUniform(out: usize, n: i32, key0: u32, key1: u32, ctr: f64): void {
  let c = <u64>ctr;
  let i = 0;
  // four blocks, eight values: block j gives (w0, w1) and (w2, w3)
  for (; i + 16 <= n; i += 16, c += 8) {
    philoxBlocks8(c, key0, key1);
    const p = out + (<usize>i << 3);
    storeUnits4(p, v0, v1, v2, v3);
    storeUnits4(p + 64, u0, u1, u2, u3);
  }
  for (; i < n; i += 2) {
    philoxBlock(c++, key0, key1);
    store<f64>(out + (<usize>i << 3), toUnit(o0, o1));
    if (i + 1 < n) store<f64>(out + (<usize>(i + 1) << 3), toUnit(o2, o3));
  }
}

/** 16 bytes for the cos lanes of sinCosTurnV. */
const COS_SCRATCH: usize = memory.data(16, 16);

/**
 * Box-Muller on two blocks at once (lanes a, b): radius sqrt(-2 log u1),
 * angle 2 pi u2 (simdmath.ts log and sincos, not Math.*); writes
 * r_a cos, r_a sin, r_b cos, r_b sin to out[0..count), count <= 4.
 */
@inline
function boxMuller2(out: usize, u1a: f64, u1b: f64, u2a: f64, u2b: f64, count: i32): void {
  boxMuller2V(out, f64x2.replace_lane(f64x2.splat(u1a), 1, u1b), f64x2.replace_lane(f64x2.splat(u2a), 1, u2b), count);
}

/** boxMuller2 with the two blocks' u1 and u2 already in lanes. */
@inline
function boxMuller2V(out: usize, u1: v128, u2: v128, count: i32): void {
  const r = f64x2.sqrt(f64x2.mul(f64x2.splat(-2.0), logPositiveV(u1)));
  const rs = f64x2.mul(r, sinCosTurnV(u2, COS_SCRATCH));
  const rc = f64x2.mul(r, v128.load(COS_SCRATCH));
  const first = v128.shuffle<f64>(rc, rs, 0, 2);
  const second = v128.shuffle<f64>(rc, rs, 1, 3);
  if (count == 4) {
    v128.store(out, first);
    v128.store(out + 16, second);
    return;
  }
  store<f64>(out, f64x2.extract_lane(first, 0));
  if (count > 1) store<f64>(out + 8, f64x2.extract_lane(first, 1));
  if (count > 2) store<f64>(out + 16, f64x2.extract_lane(second, 0));
}

/**
 * Writes n standard normals to out; block b gives out[2b] = r cos t and
 * out[2b+1] = r sin t with r = sqrt(-2 log(1 - u(w0, w1))), t = 2 pi u(w2, w3)
 * (Box-Muller); ceil(n / 2) blocks. Each value depends only on its block, so
 * a stream split into several fills gives the same numbers.
 */
export function philoxNormal(out: usize, n: i32, key0: u32, key1: u32, ctr: f64): void {
  let c = <u64>ctr;
  let i = 0;
  const one = f64x2.splat(1.0);
  for (; i + 16 <= n; i += 16, c += 8) {
    philoxBlocks8(c, key0, key1);
    const p = out + (<usize>i << 3);
    boxMuller2V(p, f64x2.sub(one, toUnitV(v0, v1, 0)), toUnitV(v2, v3, 0), 4);
    boxMuller2V(p + 32, f64x2.sub(one, toUnitV(v0, v1, 2)), toUnitV(v2, v3, 2), 4);
    boxMuller2V(p + 64, f64x2.sub(one, toUnitV(u0, u1, 0)), toUnitV(u2, u3, 0), 4);
    boxMuller2V(p + 96, f64x2.sub(one, toUnitV(u0, u1, 2)), toUnitV(u2, u3, 2), 4);
  }
  for (; i < n; i += 4) {
    philoxBlock(c++, key0, key1);
    const u1a = 1.0 - toUnit(o0, o1); // (0, 1]: log is finite
    const u2a = toUnit(o2, o3);
    if (i + 2 < n) {
      philoxBlock(c++, key0, key1);
      boxMuller2(out + (<usize>i << 3), u1a, 1.0 - toUnit(o0, o1), u2a, toUnit(o2, o3), min(4, n - i));
    } else {
      boxMuller2(out + (<usize>i << 3), u1a, u1a, u2a, u2a, n - i);
    }
  }
}

/** Raw 32-bit words of one block, for tests against the published known-answer vectors. */
export function philoxRawBlock(out: usize, key0: u32, key1: u32, ctr0: u32, ctr1: u32, ctr2: u32, ctr3: u32): void {
  philoxRounds(ctr0, ctr1, ctr2, ctr3, key0, key1);
  store<u32>(out, o0);
  store<u32>(out + 4, o1);
  store<u32>(out + 8, o2);
  store<u32>(out + 12, o3);
}
