// The remote's PNG icons, drawn at build time (same picture as static/icon.svg): a blue rounded
// square, a white ring, a white play triangle (encoded by clients/tools/png.mjs).

import { encodePng } from "../../clients/tools/png.mjs";

const BLUE = [0x1d, 0x4e, 0xd8];
const WHITE = [0xff, 0xff, 0xff];

function inRoundRect(x, y, left, top, w, h, r) {
  const cx = Math.min(Math.max(x, left + r), left + w - r);
  const cy = Math.min(Math.max(y, top + r), top + h - r);
  return x >= left && x <= left + w && y >= top && y <= top + h && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inTriangle(x, y) {
  // (27,22) (27,42) (43,32) in the 64-unit picture
  return x >= 27 && y >= 22 + ((x - 27) * 10) / 16 && y <= 42 - ((x - 27) * 10) / 16;
}

function inRing(x, y) {
  const d = Math.hypot(x - 32, y - 32);
  return d >= 18 && d <= 22;
}

/** The icon at `size` px; `maskable` fills the whole square (the OS applies its own mask). */
export function drawIcon(size, { maskable = false } = {}) {
  const rgba = Buffer.alloc(size * size * 4);
  const SS = 4; // supersampling per axis
  const scale = maskable ? 64 / (size * 0.8) : 64 / size; // maskable: picture in the 80 % safe zone
  const offset = maskable ? (size * 0.1) : 0;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy += 1) {
        for (let sx = 0; sx < SS; sx += 1) {
          const x = (px + (sx + 0.5) / SS - offset) * scale;
          const y = (py + (sy + 0.5) / SS - offset) * scale;
          let color = null;
          if (maskable || inRoundRect(x, y, 0, 0, 64, 64, 14)) color = BLUE;
          if (inRing(x, y) || inTriangle(x, y)) color = WHITE;
          if (color) {
            r += color[0]; g += color[1]; b += color[2]; a += 255;
          }
        }
      }
      const n = SS * SS;
      const covered = a / 255;
      const i = (py * size + px) * 4;
      rgba[i] = covered ? Math.round(r / covered) : 0;
      rgba[i + 1] = covered ? Math.round(g / covered) : 0;
      rgba[i + 2] = covered ? Math.round(b / covered) : 0;
      rgba[i + 3] = Math.round(a / n);
    }
  }
  return encodePng(size, size, rgba);
}
