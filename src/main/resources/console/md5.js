// MD5 (RFC 1321), which D1's import protocol uses as the file's etag. Web Crypto has no MD5, so
// this is the textbook algorithm, fed in chunks so a large file is never held in memory at once.

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** An MD5 computation: update(bytes) any number of times, then hex(). */
export class Md5 {
  constructor() {
    this.state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
    this.block = new Uint8Array(64);
    this.blockLength = 0;
    this.total = 0;
    this.words = new Uint32Array(16);
  }

  /** Adds bytes (a Uint8Array). */
  update(bytes) {
    this.total += bytes.length;
    let i = 0;
    while (i < bytes.length) {
      const n = Math.min(64 - this.blockLength, bytes.length - i);
      this.block.set(bytes.subarray(i, i + n), this.blockLength);
      this.blockLength += n;
      i += n;
      if (this.blockLength === 64) {
        this.compress();
        this.blockLength = 0;
      }
    }
    return this;
  }

  /** Pads, finishes and returns the digest as 32 lowercase hex digits. */
  hex() {
    const bits = this.total * 8;
    const pad = new Uint8Array(((this.blockLength < 56 ? 56 : 120) - this.blockLength) + 8);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, bits >>> 0, true);
    view.setUint32(pad.length - 4, Math.floor(bits / 2 ** 32), true);
    this.update(pad);
    const out = new DataView(this.state.buffer);
    let hex = "";
    for (let i = 0; i < 16; i++) hex += out.getUint8(i).toString(16).padStart(2, "0");
    return hex;
  }

  compress() {
    const w = this.words;
    const b = this.block;
    for (let i = 0; i < 16; i++) {
      w[i] = b[i * 4] | (b[i * 4 + 1] << 8) | (b[i * 4 + 2] << 16) | (b[i * 4 + 3] << 24);
    }
    let [a, bb, c, d] = this.state;
    for (let i = 0; i < 64; i++) {
      let f;
      let g;
      if (i < 16) {
        f = (bb & c) | (~bb & d);
        g = i;
      } else if (i < 32) {
        f = (d & bb) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = bb ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (bb | ~d);
        g = (7 * i) % 16;
      }
      const t = d;
      d = c;
      c = bb;
      const x = (a + f + K[i] + w[g]) | 0;
      bb = (bb + ((x << S[i]) | (x >>> (32 - S[i])))) | 0;
      a = t;
    }
    this.state[0] += a;
    this.state[1] += bb;
    this.state[2] += c;
    this.state[3] += d;
  }
}

/** The MD5 of a File or Blob, read in 4 MiB slices; `progress(done, total)` after each. */
export async function md5OfFile(file, progress = () => {}) {
  const md5 = new Md5();
  const step = 4 * 1024 * 1024;
  for (let offset = 0; offset < file.size; offset += step) {
    md5.update(new Uint8Array(await file.slice(offset, offset + step).arrayBuffer()));
    progress(Math.min(offset + step, file.size), file.size);
  }
  progress(file.size, file.size);
  return md5.hex();
}
