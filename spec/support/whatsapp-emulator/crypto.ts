// Primitives of WhatsApp's Noise handshake, Signal keys and media encryption,
// in the byte layouts the wire uses.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomInt } from 'node:crypto';
import * as curve from 'libsignal/src/curve.js';

export const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** HKDF-SHA256 to 64 bytes, empty info: Noise's mixKey and split. */
export const hkdf64 = (ikm: Uint8Array, salt: Uint8Array): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.alloc(0), 64));

function gcmIv(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

export function gcmEncrypt(key: Uint8Array, counter: number, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, gcmIv(counter));
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function gcmDecrypt(key: Uint8Array, counter: number, aad: Uint8Array, ciphertext: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, gcmIv(counter));
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
}

/** A Curve25519 key pair: `pub` raw 32 bytes as on the wire, `pub33` with libsignal's 0x05 prefix. */
export interface KeyPair {
  pub: Buffer;
  pub33: Buffer;
  priv: Buffer;
}

export function generateKeyPair(): KeyPair {
  const { pubKey, privKey } = curve.generateKeyPair();
  return { pub: Buffer.from(pubKey.subarray(1)), pub33: Buffer.from(pubKey), priv: Buffer.from(privKey) };
}

const withPrefix = (pub32: Uint8Array) => Buffer.concat([Buffer.from([5]), pub32]);

export const dh = (priv: Uint8Array, pub32: Uint8Array): Buffer => Buffer.from(curve.calculateAgreement(withPrefix(pub32), priv));

/** XEdDSA signature, as WhatsApp's certificates and device identities use. */
export const sign = (priv: Uint8Array, message: Uint8Array): Buffer => Buffer.from(curve.calculateSignature(priv, message));

/** libsignal returns false on a bad signature rather than throwing. */
export const verify = (pub32: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean =>
  curve.verifySignature(withPrefix(pub32), message, signature) === true;

/** Big-endian unsigned integer of `length` bytes. */
export function uintBE(value: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  bytes.writeUIntBE(value, 0, length);
  return bytes;
}

/** Signal plaintexts carry 1-16 bytes of padding, each equal to the padding length. */
export function pad(data: Uint8Array): Buffer {
  const n = 1 + randomInt(15);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function unpad(data: Uint8Array): Buffer {
  return Buffer.from(data.subarray(0, data.length - data[data.length - 1]));
}
