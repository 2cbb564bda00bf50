import libsignal, { type SessionRecord, type SignalStorage } from 'libsignal';
import { randomInt } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
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
  /** Sender keys by group and author: ours to encrypt, theirs to decrypt group and status messages. */
  private readonly senderKeys = new Map<string, Uint8Array>();
  private readonly senderKeyStore = {
    loadSenderKey: async (name: SenderKeyName) => {
      const stored = this.senderKeys.get(name.toString());
      return stored ? SenderKeyRecord.deserialize(stored) : new SenderKeyRecord();
    },
    storeSenderKey: async (name: SenderKeyName, record: SenderKeyRecord) => {
      this.senderKeys.set(name.toString(), Buffer.from(JSON.stringify(record.serialize())));
    },
  };

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

  /** Takes in the sender key `author` distributed for `groupId` (a group or status@broadcast). */
  async processSenderKeyDistribution(groupId: string, author: Peer, distribution: Uint8Array): Promise<void> {
    const message = new SenderKeyDistributionMessage(null, null, null, null, distribution);
    await new GroupSessionBuilder(this.senderKeyStore).process(this.senderKeyName(groupId, author), message);
  }

  /** Whether `author`'s sender key for `groupId` reached this device. */
  async hasSenderKey(groupId: string, author: Peer): Promise<boolean> {
    return !(await this.senderKeyStore.loadSenderKey(this.senderKeyName(groupId, author))).isEmpty();
  }

  /** Decrypts an skmsg `author` sent to `groupId` with the sender key it distributed earlier. */
  async decryptGroup(groupId: string, author: Peer, ciphertext: Uint8Array): Promise<proto.Message> {
    const plaintext = await new GroupCipher(this.senderKeyStore, this.senderKeyName(groupId, author)).decrypt(ciphertext);
    return proto.Message.decode(unpad(plaintext));
  }

  /**
   * Encrypts a message to `groupId` under this device's own sender key (`me`
   * names it), with the distribution message members need to read it.
   */
  async encryptGroup(groupId: string, me: Peer, message: proto.IMessage): Promise<{ ciphertext: Buffer; distribution: Buffer }> {
    const name = this.senderKeyName(groupId, me);
    const distribution = await new GroupSessionBuilder(this.senderKeyStore).create(name);
    const ciphertext = await new GroupCipher(this.senderKeyStore, name).encrypt(pad(proto.Message.encode(message).finish()));
    return { ciphertext: Buffer.from(ciphertext), distribution: Buffer.from(distribution.serialize()) };
  }

  private senderKeyName(groupId: string, author: Peer): SenderKeyName {
    return new SenderKeyName(groupId, { id: author.user, deviceId: author.device, toString: () => `${author.user}.${author.device}` });
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
