// Reads a PNG far enough to know it is one: signature, header, and image data
// that inflates to exactly the rows the header promises.
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples per pixel for each PNG colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface DecodedPng { width: number; height: number }

/** The image's size; throws when the bytes are not a whole, readable PNG. */
export function decodePng(bytes: Buffer): DecodedPng {
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG signature');
  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colourType: number } | null = null;
  const data: Buffer[] = [];
  while (offset + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (body.length !== length) throw new Error(`truncated ${type} chunk`);
    if (type === 'IHDR') header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), bitDepth: body[8], colourType: body[9] };
    if (type === 'IDAT') data.push(body);
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  if (!header) throw new Error('no IHDR chunk');
  const channels = CHANNELS[header.colourType];
  if (!channels) throw new Error(`unknown colour type ${header.colourType}`);
  const rowBytes = Math.ceil((header.width * channels * header.bitDepth) / 8);
  const pixels = inflateSync(Buffer.concat(data));
  // Every row starts with its filter byte.
  if (pixels.length !== header.height * (rowBytes + 1)) throw new Error(`image data is ${pixels.length} bytes, expected ${header.height * (rowBytes + 1)}`);
  return { width: header.width, height: header.height };
}
