// Draws media/icon.png (128x128): an open book (the note) over a bracket pair (the code).
// Kept as a script so the icon can be regenerated; the PNG itself is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const pixels = Buffer.alloc(size * size * 4);
const set = (x, y, [r, g, b, a]) => {
  if (x < 0 || y < 0 || x >= size || y >= size) return;
  const i = (y * size + x) * 4;
  pixels[i] = r; pixels[i + 1] = g; pixels[i + 2] = b; pixels[i + 3] = a;
};
const background = [30, 58, 95, 255];
const page = [245, 240, 225, 255];
const ink = [242, 153, 74, 255];
const line = [120, 130, 150, 255];
for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    // Rounded square.
    const dx = Math.max(0, Math.abs(x - 63.5) - 48);
    const dy = Math.max(0, Math.abs(y - 63.5) - 48);
    if (dx * dx + dy * dy <= 16 * 16) set(x, y, background);
  }
}
// Two pages of a book.
for (let y = 34; y < 96; y++) {
  for (let x = 22; x < 62; x++) set(x, y + Math.round((62 - x) / 10), page);
  for (let x = 66; x < 106; x++) set(x, y + Math.round((x - 66) / 10), page);
}
// Text lines on the left page, code brackets on the right page.
for (const y of [46, 56, 66, 76]) for (let x = 28; x < 56; x++) set(x, y + Math.round((62 - x) / 10), line);
for (let t = 0; t < 18; t++) {
  for (let w = 0; w < 4; w++) {
    set(71 + Math.abs(t - 9) + w, 52 + t, ink);
    set(101 - Math.abs(t - 9) + w, 52 + t, ink);
  }
}
const raw = Buffer.alloc((size * 4 + 1) * size);
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0;
  pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; header[9] = 6; header[10] = 0; header[11] = 0; header[12] = 0;
writeFileSync(
  new URL('../media/icon.png', import.meta.url),
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]),
);
