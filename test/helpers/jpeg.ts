/** A JPEG's width and height from its start-of-frame segment; throws on anything else. */
export function jpegSize(data: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(data);
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('not a JPEG');
  for (let i = 2; i + 9 < b.length;) {
    const marker = b[i + 1] as number;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame's size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  throw new Error('no frame size in the JPEG');
}
