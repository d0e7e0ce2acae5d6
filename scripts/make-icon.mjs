// Draws images/icon.png (128x128): a network shield in two colours. Built-ins only:
// the shapes are rasterised with 4x4 supersampling and written as an RGBA PNG with zlib.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
const SAMPLES = 4;
const NAVY = [0x1b, 0x27, 0x3d];
const ORANGE = [0xff, 0x99, 0x00];

// Signed tests: true when the point (x, y) lies inside the shape.
const roundedSquare = (x, y, inset, radius) => {
  const lo = inset, hi = SIZE - inset;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + radius), hi - radius);
  const cy = Math.min(Math.max(y, lo + radius), hi - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
};

// A shield: straight sides, then a curved taper to a point; the top dips slightly in the middle.
const shield = (x, y, inset) => {
  const top = 16 + inset, shoulder = 62, bottom = 114 - inset * 1.45, half = 40 - inset;
  const dx = Math.abs(x - 64);
  if (dx > half) return false;
  const topEdge = top + 5 * Math.cos((dx / half) * Math.PI / 2);
  if (y < topEdge) return false;
  if (y <= shoulder) return true;
  if (y > bottom) return false;
  const t = (y - shoulder) / (bottom - shoulder);
  return dx <= half * Math.pow(Math.cos(t * Math.PI / 2), 0.75);
};

const disc = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const segment = (ax, ay, bx, by, width) => (x, y) => {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  const px = ax + t * vx, py = ay + t * vy;
  return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2;
};

// Three connected nodes: a small network inside the shield.
const nodes = [[64, 42], [44, 76], [84, 76]];
const network = [
  segment(...nodes[0], ...nodes[1], 5),
  segment(...nodes[0], ...nodes[2], 5),
  segment(...nodes[1], ...nodes[2], 5),
  ...nodes.map(([cx, cy]) => disc(cx, cy, 9)),
];

// Layers, painted in order; the last one covering a sample decides its colour.
function colourAt(x, y) {
  let colour = null;
  if (roundedSquare(x, y, 0, 26)) colour = NAVY;
  if (shield(x, y, 0)) colour = ORANGE;
  if (shield(x, y, 8)) colour = NAVY;
  if (network.some((inside) => inside(x, y))) colour = ORANGE;
  return colour;
}

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!colour) continue;
        r += colour[0]; g += colour[1]; b += colour[2]; a += 1;
      }
    }
    const offset = (py * SIZE + px) * 4;
    if (a > 0) {
      pixels[offset] = Math.round(r / a);
      pixels[offset + 1] = Math.round(g / a);
      pixels[offset + 2] = Math.round(b / a);
    }
    pixels[offset + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
