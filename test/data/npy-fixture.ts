// Writes .npy bytes (format 1.0 or 2.0) the way numpy.lib.format does: magic,
// version, little-endian header length, a Python-dict header padded with spaces
// to a multiple of 64 bytes and ended by '\n', then the raw data.
export function npyBytes(descr: string, shape: number[], values: number[], opts: { version?: 1 | 2; fortran?: boolean; truncate?: number } = {}): Uint8Array {
  const version = opts.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, " ") + "\n";
  const size = Number(descr.slice(2));
  const data = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    const o = i * size;
    if (descr === "<f8") data.setFloat64(o, v, true);
    else if (descr === "<f4") data.setFloat32(o, v, true);
    else if (descr === "<i4") data.setInt32(o, v, true);
    else if (descr === "<i8") data.setBigInt64(o, BigInt(v), true);
    else if (descr === ">f8") data.setFloat64(o, v, false);
    else if (descr === "<i2") data.setInt16(o, v, true);
  });
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(new Uint8Array(data.buffer), total);
  return opts.truncate ? out.subarray(0, out.length - opts.truncate) : out;
}
