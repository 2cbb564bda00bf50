import { proto } from '@whiskeysockets/baileys';
import { dh, gcmDecrypt, gcmEncrypt, generateKeyPair, hkdf64, sha256, type KeyPair } from './crypto.js';

const NOISE_MODE = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
const NO_AAD = Buffer.alloc(0);

/**
 * Splits the client's byte stream into frames: an intro first ("WA" 6 3,
 * possibly after an "ED" edge-routing preamble), then 3-byte big-endian
 * length-prefixed frames. WebSocket message boundaries mean nothing.
 */
export class FrameReader {
  private buffered = Buffer.alloc(0);
  private intro: Buffer | null = null;

  /** The 4-byte intro once read: the handshake hashes it as its prologue. */
  get header(): Buffer | null {
    return this.intro;
  }

  push(data: Buffer): Buffer[] {
    this.buffered = Buffer.concat([this.buffered, data]);
    if (!this.intro && !this.readIntro()) return [];
    const frames: Buffer[] = [];
    while (this.buffered.length >= 3) {
      const size = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < size + 3) break;
      frames.push(this.buffered.subarray(3, size + 3));
      this.buffered = this.buffered.subarray(size + 3);
    }
    return frames;
  }

  private readIntro(): boolean {
    if (this.buffered.length < 4) return false;
    if (this.buffered[0] === 0x45 && this.buffered[1] === 0x44) {
      const length = this.buffered.readUIntBE(4, 3);
      this.buffered = this.buffered.subarray(7 + length);
    }
    const header = this.buffered.subarray(0, 4);
    if (header[0] !== 0x57 || header[1] !== 0x41) throw new Error(`bad intro ${header.toString('hex')}`);
    this.intro = Buffer.from(header);
    this.buffered = this.buffered.subarray(4);
    return true;
  }
}

export function frame(payload: Buffer): Buffer {
  const out = Buffer.alloc(3 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  payload.copy(out, 3);
  return out;
}

/** Keys and counters of the transport phase, after the handshake split. */
export class Transport {
  private readCount = 0;
  private writeCount = 0;
  constructor(
    private readonly decryptKey: Buffer,
    private readonly encryptKey: Buffer,
  ) {}

  decrypt(ciphertext: Buffer): Buffer {
    return gcmDecrypt(this.decryptKey, this.readCount++, NO_AAD, ciphertext);
  }

  encrypt(plaintext: Uint8Array): Buffer {
    return gcmEncrypt(this.encryptKey, this.writeCount++, NO_AAD, plaintext);
  }
}

export interface HandshakeResult {
  transport: Transport;
  clientStatic: Buffer;
  payload: proto.ClientPayload;
}

/** The responder side of Noise_XX_25519_AESGCM_SHA256 as WhatsApp frames it. */
export class NoiseResponder {
  private hash: Buffer = NOISE_MODE;
  private chainingKey: Buffer = NOISE_MODE;
  private key: Buffer = Buffer.alloc(32);
  private counter = 0;
  private ephemeral: KeyPair | null = null;

  constructor(
    private readonly serverStatic: KeyPair,
    private readonly certChain: Buffer,
  ) {}

  prologue(header: Buffer): void {
    this.mixHash(header);
  }

  /** clientHello in, serverHello (ephemeral, encrypted static, encrypted cert chain) out. */
  hello(frameBytes: Buffer): Buffer {
    const { clientHello } = proto.HandshakeMessage.decode(frameBytes);
    const clientEphemeral = Buffer.from(clientHello?.ephemeral ?? []);
    this.mixHash(clientEphemeral);
    const ephemeral = generateKeyPair();
    this.ephemeral = ephemeral;
    this.mixHash(ephemeral.pub);
    this.mixKey(dh(ephemeral.priv, clientEphemeral));
    const staticCiphertext = this.encryptAndHash(this.serverStatic.pub);
    this.mixKey(dh(this.serverStatic.priv, clientEphemeral));
    const payloadCiphertext = this.encryptAndHash(this.certChain);
    return Buffer.from(
      proto.HandshakeMessage.encode({
        serverHello: { ephemeral: ephemeral.pub, static: staticCiphertext, payload: payloadCiphertext },
      }).finish(),
    );
  }

  /** clientFinish in: the client's static key and its ClientPayload, and the transport keys. */
  finish(frameBytes: Buffer): HandshakeResult {
    if (!this.ephemeral) throw new Error('clientFinish before clientHello');
    const { clientFinish } = proto.HandshakeMessage.decode(frameBytes);
    const clientStatic = this.decryptAndHash(Buffer.from(clientFinish?.static ?? []));
    this.mixKey(dh(this.ephemeral.priv, clientStatic));
    const payload = proto.ClientPayload.decode(this.decryptAndHash(Buffer.from(clientFinish?.payload ?? [])));
    const keys = hkdf64(Buffer.alloc(0), this.chainingKey);
    // First half: what the client writes (we decrypt); second half: what we write.
    return { transport: new Transport(keys.subarray(0, 32), keys.subarray(32)), clientStatic, payload };
  }

  private mixHash(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixKey(material: Uint8Array): void {
    const out = hkdf64(material, this.chainingKey);
    this.chainingKey = out.subarray(0, 32);
    this.key = out.subarray(32);
    this.counter = 0;
  }

  private encryptAndHash(plaintext: Uint8Array): Buffer {
    const ciphertext = gcmEncrypt(this.key, this.counter++, this.hash, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  private decryptAndHash(ciphertext: Buffer): Buffer {
    const plaintext = gcmDecrypt(this.key, this.counter++, this.hash, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }
}
