import libsignal, { type SessionRecord, type SignalStorage } from 'libsignal';
import { randomInt } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';
import { generateKeyPair, pad, sign, unpad, type KeyPair } from './crypto.js';

/** libsignal's key pair shape: public key with its 0x05 prefix. */
interface SignalKeyPair {
  pubKey: Buffer;
  privKey: Buffer;
}

const asSignal = (pair: KeyPair): SignalKeyPair => ({ pubKey: pair.pub33, privKey: pair.priv });

export interface PreKey {
  keyId: number;
  keyPair: SignalKeyPair;
}

/** A peer device: the user part of its Signal address and its device id. */
export interface Peer {
  user: string;
  device: number;
}

/** What a sender needs to start a Signal session with a device. */
export interface Bundle {
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKey?: { keyId: number; publicKey: Uint8Array };
}

/**
 * An emulated phone's Signal device: identity, signed prekey, one-time
 * prekeys and sessions, all in memory. It decrypts what Baileys sends and
 * encrypts what the emulated person sends.
 */
export class PhoneDevice {
  readonly identity: SignalKeyPair;
  readonly registrationId = randomInt(1, 16_380);
  readonly signedPreKey: { keyId: number; keyPair: SignalKeyPair; signature: Buffer };
  private readonly preKeys = new Map<number, SignalKeyPair>();
  private nextPreKeyId = 1;
  private readonly sessions = new Map<string, Uint8Array>();
  private readonly store: SignalStorage;

  constructor(private readonly name: string) {
    this.identity = asSignal(generateKeyPair());
    const signed = asSignal(generateKeyPair());
    this.signedPreKey = { keyId: 1, keyPair: signed, signature: sign(this.identity.privKey, signed.pubKey) };
    this.store = {
      isTrustedIdentity: () => true,
      loadSession: async (id) => {
        const serialized = this.sessions.get(id);
        return serialized ? libsignal.SessionRecord.deserialize(serialized) : undefined;
      },
      storeSession: async (id: string, record: SessionRecord) => {
        this.sessions.set(id, record.serialize());
      },
      loadPreKey: async (id) => this.preKeys.get(Number(id)),
      removePreKey: (id) => {
        this.preKeys.delete(Number(id));
      },
      loadSignedPreKey: () => this.signedPreKey.keyPair,
      getOurRegistrationId: () => this.registrationId,
      getOurIdentity: () => this.identity,
    };
  }

  /** The identity public key without its prefix, as the wire carries it. */
  get identityPub32(): Buffer {
    return this.identity.pubKey.subarray(1);
  }

  /** A fresh one-time prekey, handed out once. */
  takePreKey(): PreKey {
    const keyId = this.nextPreKeyId++;
    const keyPair = asSignal(generateKeyPair());
    this.preKeys.set(keyId, keyPair);
    return { keyId, keyPair };
  }

  async decrypt(peer: Peer, type: string, ciphertext: Uint8Array): Promise<proto.Message> {
    const cipher = new libsignal.SessionCipher(this.store, this.address(peer));
    const plaintext =
      type === 'pkmsg' ? await cipher.decryptPreKeyWhisperMessage(ciphertext) : await cipher.decryptWhisperMessage(ciphertext);
    return proto.Message.decode(unpad(plaintext));
  }

  async encrypt(peer: Peer, bundle: Bundle, message: proto.IMessage): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Buffer }> {
    const address = this.address(peer);
    if (!this.sessions.has(address.toString())) {
      await new libsignal.SessionBuilder(this.store, address).initOutgoing(bundle as Parameters<libsignal.SessionBuilder['initOutgoing']>[0]);
    }
    const cipher = new libsignal.SessionCipher(this.store, address);
    const { type, body } = await cipher.encrypt(pad(proto.Message.encode(message).finish()));
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
  }

  /**
   * libsignal serialises work per address string in a process-wide queue;
   * the prefix keeps the emulator's addresses apart from those of a Baileys
   * client running in the same process.
   */
  private address(peer: Peer) {
    return new libsignal.ProtocolAddress(`emu-${this.name}-${peer.user}`, peer.device);
  }
}
