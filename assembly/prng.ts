// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011): a counter-based generator. Block b of a stream with key (k0, k1)
// is philox(counter = start + b, key); the JS side owns the counter, so any
// sequence is reproducible from (seed, counter) alone, in Node and in browsers.

const M0: u64 = 0xd2511f53;
const M1: u64 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;
const INV_2_53: f64 = 1.0 / 9007199254740992.0;
const TWO_PI: f64 = 6.283185307179586;

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

@inline
function toUnit(hi: u32, lo: u32): f64 {
  // 53 random bits -> [0, 1)
  return (<f64>(hi >>> 5) * 67108864.0 + <f64>(lo >>> 6)) * INV_2_53;
}

/** Writes n uniforms in [0, 1) to out; uses ceil(n / 2) counter blocks starting at ctr. */
export function philoxUniform(out: usize, n: i32, key0: u32, key1: u32, ctr: f64): void {
  let c = <u64>ctr;
  for (let i = 0; i < n; i += 2) {
    philoxBlock(c++, key0, key1);
    store<f64>(out + (<usize>i << 3), toUnit(o0, o1));
    if (i + 1 < n) store<f64>(out + (<usize>(i + 1) << 3), toUnit(o2, o3));
  }
}

/** Writes n standard normals (Box-Muller on one block per pair) to out; ceil(n / 2) blocks. */
export function philoxNormal(out: usize, n: i32, key0: u32, key1: u32, ctr: f64): void {
  let c = <u64>ctr;
  for (let i = 0; i < n; i += 2) {
    philoxBlock(c++, key0, key1);
    const u1 = 1.0 - toUnit(o0, o1); // (0, 1]: log is finite
    const u2 = toUnit(o2, o3);
    const r = Math.sqrt(-2.0 * Math.log(u1));
    const t = TWO_PI * u2;
    store<f64>(out + (<usize>i << 3), r * Math.cos(t));
    if (i + 1 < n) store<f64>(out + (<usize>(i + 1) << 3), r * Math.sin(t));
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
