// Draws Slipway's icon and writes every size the packaged app needs into resources/icons/:
// png/NxN.png (Linux, and the source of the others), icon.ico (Windows: 16–256, PNG-compressed
// entries) and icon.icns (macOS: 16–1024). Run it by hand when the logo changes:
// node scripts/make-icons.mjs. The shapes are in a 1024-unit square.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icons');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS chunk types holding PNG data, by pixel size.
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

const inRoundedSquare = (x, y) => {
  const [left, top, size, radius] = [64, 64, 896, 200];
  const cx = Math.min(Math.max(x, left + radius), left + size - radius);
  const cy = Math.min(Math.max(y, top + radius), top + size - radius);
  return x >= left && x <= left + size && y >= top && y <= top + size && (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
};
const inPolygon = (points) => (x, y) => {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
// Back to front: the tile, the sun, the ramp (the slipway), the water line.
const layers = [
  [inRoundedSquare, [11, 92, 173]],
  [(x, y) => (x - 700) ** 2 + (y - 300) ** 2 <= 70 ** 2, [255, 209, 102]],
  [
    inPolygon([
      [200, 760],
      [824, 360],
      [824, 470],
      [330, 760],
    ]),
    [255, 255, 255],
  ],
  [(x, y) => inRoundedSquare(x, y) && y >= 760 && y <= 830 && x >= 160 && x <= 864, [159, 208, 255]],
];

function draw(size) {
  const png = new PNG({ width: size, height: size });
  const samples = 4;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const x = ((px + (sx + 0.5) / samples) / size) * 1024;
          const y = ((py + (sy + 0.5) / samples) / size) * 1024;
          let color = null;
          for (const [inside, rgb] of layers) if (inside(x, y)) color = rgb;
          if (color) {
            sum[0] += color[0];
            sum[1] += color[1];
            sum[2] += color[2];
            sum[3] += 255;
          }
        }
      }
      const covered = sum[3] / 255;
      const at = (py * size + px) * 4;
      png.data[at] = covered ? Math.round(sum[0] / covered) : 0;
      png.data[at + 1] = covered ? Math.round(sum[1] / covered) : 0;
      png.data[at + 2] = covered ? Math.round(sum[2] / covered) : 0;
      png.data[at + 3] = Math.round(sum[3] / (samples * samples));
    }
  }
  return PNG.sync.write(png);
}

/** ICO: a directory of entries, each a whole PNG (Windows Vista and later read them). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(([size, data], index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map(([, data]) => data)]);
}

/** ICNS: 'icns', the total length, then chunks of type, length (with its 8-byte head) and PNG data. */
function icns(chunks) {
  const parts = chunks.map(([type, data]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

mkdirSync(join(out, 'png'), { recursive: true });
const pngs = new Map(PNG_SIZES.map((size) => [size, draw(size)]));
for (const [size, data] of pngs) writeFileSync(join(out, 'png', `${size}x${size}.png`), data);
writeFileSync(join(out, 'icon.ico'), ico(ICO_SIZES.map((size) => [size, pngs.get(size)])));
writeFileSync(join(out, 'icon.icns'), icns(ICNS_TYPES.map(([type, size]) => [type, pngs.get(size)])));
console.log(
  `wrote resources/icons: ${PNG_SIZES.length} PNGs, icon.ico (${ICO_SIZES.join(', ')}), icon.icns (${ICNS_TYPES.map(([, size]) => size).join(', ')})`,
);
