// Draws build/icon.png (1024×1024): Corgi's mark, a speech bubble holding a rising bar chart, on a
// warm rounded square. Run with `node scripts/make-icon.mjs` after changing the drawing.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 1024;
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');

/** Signed distance to a rounded rectangle centred at (cx, cy). */
function roundedRect(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Signed distance to the triangle (a, b, c), negative inside. */
function triangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const edge = (px, py, qx, qy) =>
    ((qx - px) * (y - py) - (qy - py) * (x - px)) / Math.hypot(qx - px, qy - py);
  return -Math.min(edge(ax, ay, bx, by), edge(bx, by, cx, cy), edge(cx, cy, ax, ay));
}

const coverage = (d) => Math.min(1, Math.max(0, 0.5 - d));
const BACKGROUND_TOP = [244, 140, 54];
const BACKGROUND_BOTTOM = [214, 92, 38];
const WHITE = [255, 250, 244];
const BARS = [120, 62, 30];

const pixels = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  pixels[row] = 0; // PNG filter: none
  for (let x = 0; x < SIZE; x++) {
    const t = y / SIZE;
    let color = BACKGROUND_TOP.map((c, i) => c + (BACKGROUND_BOTTOM[i] - c) * t);
    let alpha = coverage(roundedRect(x, y, 512, 512, 440, 440, 190));
    const bubble = Math.min(
      roundedRect(x, y, 512, 470, 290, 220, 90),
      triangle(x, y, [380, 640], [470, 640], [350, 790]),
    );
    const mix = (target, amount) => (color = color.map((c, i) => c + (target[i] - c) * amount));
    mix(WHITE, coverage(bubble));
    for (const [bx, top] of [
      [400, 520],
      [512, 420],
      [624, 340],
    ]) {
      mix(BARS, coverage(roundedRect(x, y, bx, (top + 590) / 2, 38, (590 - top) / 2, 18)));
    }
    const at = row + 1 + x * 4;
    pixels[at] = Math.round(color[0]);
    pixels[at + 1] = Math.round(color[1]);
    pixels[at + 2] = Math.round(color[2]);
    pixels[at + 3] = Math.round(alpha * 255);
  }
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
fs.writeFileSync(
  out,
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(pixels, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
console.log(`wrote ${out}`);
