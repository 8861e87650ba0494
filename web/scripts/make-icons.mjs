// Draws the app's icons as real PNG files with nothing but zlib, so no image is downloaded.
// Run: node web/scripts/make-icons.mjs (writes web/public/icons/*.png; the output is committed).
import { Buffer } from 'node:buffer';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const out = path.join(import.meta.dirname, '..', 'public', 'icons');
mkdirSync(out, { recursive: true });

const RED = [159, 28, 28];
const GOLD = [250, 204, 21];
const WHITE = [255, 255, 255];

const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(width, height, pixel) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5);
      const i = y * (width * 4 + 1) + 1 + x * 4;
      raw[i] = r;
      raw[i + 1] = g;
      raw[i + 2] = b;
      raw[i + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A five-pointed star centred at (cx, cy) with outer radius r. */
function star(cx, cy, r) {
  const points = [];
  for (let i = 0; i < 10; i++) {
    const radius = i % 2 === 0 ? r : r * 0.382;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    points.push([cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]);
  }
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

/** The mark: a gold star above a white check bar, on red. `safe` shrinks it into the maskable safe zone. */
function icon(size, { maskable }) {
  const scale = maskable ? 0.72 : 1;
  const c = size / 2;
  const inStar = star(c, c - size * 0.08 * scale, size * 0.3 * scale);
  const barTop = c + size * 0.24 * scale;
  const barHalf = size * 0.26 * scale;
  const barHeight = size * 0.07 * scale;
  const corner = size * 0.18;
  return png(size, size, (x, y) => {
    if (!maskable) {
      // rounded square with transparent corners
      const dx = Math.max(corner - x, x - (size - corner), 0);
      const dy = Math.max(corner - y, y - (size - corner), 0);
      if (dx * dx + dy * dy > corner * corner) return [0, 0, 0, 0];
    }
    if (inStar(x, y)) return [...GOLD, 255];
    if (y >= barTop && y <= barTop + barHeight && Math.abs(x - c) <= barHalf) return [...WHITE, 255];
    return [...RED, 255];
  });
}

/** A plain screenshot stand-in, replaced by real captures of the app (see e2e/screenshots.mjs). */
function placeholder(width, height) {
  return png(width, height, (x, y) => (y < 64 ? [...RED, 255] : [...WHITE, 255]));
}

const files = {
  'icon-192.png': icon(192, { maskable: false }),
  'icon-512.png': icon(512, { maskable: false }),
  'maskable-512.png': icon(512, { maskable: true }),
  'maskable-192.png': icon(192, { maskable: true }),
  'apple-touch-icon-180.png': icon(180, { maskable: true }),
  'favicon-48.png': icon(48, { maskable: false }),
};
for (const [name, data] of Object.entries(files)) writeFileSync(path.join(out, name), data);
const shots = path.join(out, '..', 'screenshots');
mkdirSync(shots, { recursive: true });
if (process.argv.includes('--screenshot-placeholders')) {
  writeFileSync(path.join(shots, 'tasks-narrow.png'), placeholder(720, 1600));
  writeFileSync(path.join(shots, 'tasks-wide.png'), placeholder(1280, 800));
}
console.log(`icons written to ${out}`);
