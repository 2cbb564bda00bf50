// The type of a file from its first bytes, for media sent without a mimetype.
import { UNKNOWN_TYPE } from './file-types.js';

interface Signature {
  mimetype: string;
  extension: string;
  matches(bytes: Uint8Array): boolean;
}

const ascii = (bytes: Uint8Array, offset: number, text: string) =>
  [...text].every((char, i) => bytes[offset + i] === char.charCodeAt(0));

const SIGNATURES: Signature[] = [
  { mimetype: 'image/jpeg', extension: 'jpg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mimetype: 'image/png', extension: 'png', matches: (b) => b[0] === 0x89 && ascii(b, 1, 'PNG') },
  { mimetype: 'image/gif', extension: 'gif', matches: (b) => ascii(b, 0, 'GIF8') },
  { mimetype: 'image/webp', extension: 'webp', matches: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP') },
  { mimetype: 'audio/wav', extension: 'wav', matches: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE') },
  { mimetype: 'application/pdf', extension: 'pdf', matches: (b) => ascii(b, 0, '%PDF') },
  { mimetype: 'audio/ogg', extension: 'ogg', matches: (b) => ascii(b, 0, 'OggS') },
  { mimetype: 'audio/mpeg', extension: 'mp3', matches: (b) => ascii(b, 0, 'ID3') || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0) },
  { mimetype: 'video/mp4', extension: 'mp4', matches: (b) => ascii(b, 4, 'ftyp') },
  { mimetype: 'application/zip', extension: 'zip', matches: (b) => ascii(b, 0, 'PK\u0003\u0004') },
];

export function sniffMimetype(bytes: Uint8Array): { mimetype: string; extension: string } {
  const found = SIGNATURES.find((signature) => bytes.length >= 12 && signature.matches(bytes));
  return found ? { mimetype: found.mimetype, extension: found.extension } : { mimetype: UNKNOWN_TYPE, extension: 'bin' };
}
