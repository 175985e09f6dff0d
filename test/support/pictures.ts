/**
 * Pictures for the simulated world's https addresses (avatars, media, cards, emoji), which lead
 * nowhere on a machine without a network: each is answered, through Playwright's routing, with a
 * PNG drawn here (a sky, a hill and a sun, in colours of its own address), so that screens and their
 * screenshots look as they do with a real server. Any other https address gets a 404.
 */
import zlib from 'node:zlib';
import type { BrowserContext } from 'playwright-core';

const WIDTH = 320;
const HEIGHT = 240;

/** CRC-32 of a PNG chunk's type and data. */
function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** A landscape in the colours of `hue` (0–359). */
function drawPicture(hue: number): Buffer {
  const rows = Buffer.alloc(HEIGHT * (WIDTH * 3 + 1));
  const sun = { x: WIDTH * (0.2 + (hue % 60) / 100), y: HEIGHT * 0.3, r: HEIGHT * 0.12 };
  for (let y = 0; y < HEIGHT; y++) {
    const row = y * (WIDTH * 3 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < WIDTH; x++) {
      const hill = HEIGHT * (0.62 + 0.1 * Math.sin((x / WIDTH) * Math.PI * 2 + hue));
      let color: [number, number, number];
      if (y > hill) color = hsl((hue + 100) % 360, 0.45, 0.35 + (0.1 * (y - hill)) / HEIGHT);
      else if (Math.hypot(x - sun.x, y - sun.y) < sun.r) color = hsl((hue + 40) % 360, 0.9, 0.8);
      else color = hsl(hue, 0.55, 0.75 - (0.25 * y) / HEIGHT);
      rows.set(color, row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const drawn = new Map<number, Buffer>();

/** The picture for an address: one of 24 hues, chosen by the address. */
export function pictureFor(url: string): Buffer {
  let hash = 0;
  for (const ch of url) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = (hash % 24) * 15;
  let picture = drawn.get(hue);
  if (!picture) drawn.set(hue, (picture = drawPicture(hue)));
  return picture;
}

/** Answers the context's requests for https pictures with drawn ones. */
export async function servePictures(context: BrowserContext): Promise<void> {
  await context.route(/^https:\/\//, (route) => {
    const url = route.request().url();
    if (!/\.(jpe?g|png|gif|webp)$/i.test(new URL(url).pathname)) return route.fulfill({ status: 404 });
    return route.fulfill({
      status: 200,
      contentType: 'image/png',
      headers: { 'cache-control': 'max-age=86400' },
      body: pictureFor(url),
    });
  });
}
