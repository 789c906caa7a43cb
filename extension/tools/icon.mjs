// Draws the ShareTube icon at any size: a red rounded square with a white play triangle and
// two small "viewer" dots, antialiased by 4x4 supersampling.

import { encodePng } from "../../clients/tools/png.mjs";

const RED = [229, 45, 39];
const WHITE = [255, 255, 255];

function insideRoundedSquare(x, y, radius) {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function insideTriangle(x, y) {
  // Play triangle pointing right: (0.36,0.26) (0.36,0.74) (0.76,0.5)
  if (x < 0.36) return false;
  const half = 0.24 * (1 - (x - 0.36) / 0.4);
  return Math.abs(y - 0.5) <= half;
}

function insideDots(x, y) {
  return [[0.2, 0.82], [0.8, 0.82]].some(([cx, cy]) => (x - cx) ** 2 + (y - cy) ** 2 <= 0.075 ** 2);
}

function colourAt(x, y) {
  if (!insideRoundedSquare(x, y, 0.22)) return null;
  return insideTriangle(x, y) || insideDots(x, y) ? WHITE : RED;
}

export function drawIcon(size) {
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const colour = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          sum[0] += colour[0];
          sum[1] += colour[1];
          sum[2] += colour[2];
          sum[3] += 1;
        }
      }
      const offset = (py * size + px) * 4;
      const covered = sum[3];
      if (covered === 0) continue;
      rgba[offset] = Math.round(sum[0] / covered);
      rgba[offset + 1] = Math.round(sum[1] / covered);
      rgba[offset + 2] = Math.round(sum[2] / covered);
      rgba[offset + 3] = Math.round((covered / (samples * samples)) * 255);
    }
  }
  return encodePng(size, size, rgba);
}
