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

// Four blocks at once: lane j of C0..C3 holds word 0..3 of block j. The
// 32x32 -> 64 products come from i64x2.extmul_{low,high}_i32x4_u; their high
// words are gathered with one shuffle, the low words are the plain i32x4.mul.
// Same arithmetic, same bits as philoxRounds.
let v0: v128 = i32x4.splat(0);
let v1: v128 = i32x4.splat(0);
let v2: v128 = i32x4.splat(0);
let v3: v128 = i32x4.splat(0);

/** high 32 bits of the four u32 products a * m. */
// @ts-ignore: decorator
@inline
function mulHi4(a: v128, m: v128): v128 {
  return v128.shuffle<u32>(i64x2.extmul_low_i32x4_u(a, m), i64x2.extmul_high_i32x4_u(a, m), 1, 3, 5, 7);
}

/** Ten Philox rounds on blocks ctr .. ctr + 3 (counter words c0 = low, c1 = high 32 bits); result in v0..v3. */
// @ts-ignore: decorator
@inline
function philoxBlocks4(ctr: u64, key0: u32, key1: u32): void {
  let c0 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>ctr), 1, <i32>(ctr + 1)), 2, <i32>(ctr + 2)), 3, <i32>(ctr + 3));
  let c1 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>(ctr >> 32)), 1, <i32>((ctr + 1) >> 32)), 2, <i32>((ctr + 2) >> 32)), 3, <i32>((ctr + 3) >> 32));
  let c2 = i32x4.splat(0);
  let c3 = i32x4.splat(0);
  const m0 = i32x4.splat(<i32>M0);
  const m1 = i32x4.splat(<i32>M1);
  let k0 = key0;
  let k1 = key1;
  for (let r = 0; r < 10; r++) {
    const n0 = v128.xor(v128.xor(mulHi4(c2, m1), c1), i32x4.splat(k0));
    const n1 = i32x4.mul(c2, m1);
    const n2 = v128.xor(v128.xor(mulHi4(c0, m0), c3), i32x4.splat(k1));
    const n3 = i32x4.mul(c0, m0);
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += W0;
    k1 += W1;
  }
  v0 = c0; v1 = c1; v2 = c2; v3 = c3;
}

/** toUnit on two lanes: lanes (lane, lane + 1) of hi / lo words; lane = 0 or 2. */
// @ts-ignore: decorator
@inline
function toUnitV(hi: v128, lo: v128, lane: i32): v128 {
  const h = i32x4.shr_u(hi, 5);
  const l = i32x4.shr_u(lo, 6);
  const hs = lane == 0 ? h : v128.shuffle<u32>(h, h, 2, 3, 0, 1);
  const ls = lane == 0 ? l : v128.shuffle<u32>(l, l, 2, 3, 0, 1);
  return f64x2.mul(
    f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(hs), f64x2.splat(67108864.0)), f64x2.convert_low_i32x4_u(ls)),
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
  for (; i + 8 <= n; i += 8, c += 4) {
    philoxBlocks4(c, key0, key1);
    const p = out + (<usize>i << 3);
    const a01 = toUnitV(v0, v1, 0); // block 0, 1 first values
    const b01 = toUnitV(v2, v3, 0); // block 0, 1 second values
    const a23 = toUnitV(v0, v1, 2);
    const b23 = toUnitV(v2, v3, 2);
    v128.store(p, v128.shuffle<f64>(a01, b01, 0, 2));
    v128.store(p, v128.shuffle<f64>(a01, b01, 1, 3), 16);
    v128.store(p, v128.shuffle<f64>(a23, b23, 0, 2), 32);
    v128.store(p, v128.shuffle<f64>(a23, b23, 1, 3), 48);
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
  for (; i + 8 <= n; i += 8, c += 4) {
    philoxBlocks4(c, key0, key1);
    const p = out + (<usize>i << 3);
    boxMuller2V(p, f64x2.sub(one, toUnitV(v0, v1, 0)), toUnitV(v2, v3, 0), 4);
    boxMuller2V(p + 32, f64x2.sub(one, toUnitV(v0, v1, 2)), toUnitV(v2, v3, 2), 4);
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
