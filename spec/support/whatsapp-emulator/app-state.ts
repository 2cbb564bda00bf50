// App state: what WhatsApp keeps of an account's chats and settings (archived
// chats, unread marks, labels, the push name ...) as collections of encrypted,
// MAC-ed patches. The server stores each collection's patches in order; the
// account's phone holds the key (shared with each new companion) and decrypts
// them into its view. Patches are read and written with Baileys' own
// chat-utils functions, as the emulator uses libsignal for Signal.
import {
  ALL_WA_PATCH_NAMES,
  chatModificationToAppPatch,
  decodeSyncdPatch,
  encodeSyncdPatch,
  newLTHashState,
  proto,
  type ChatModification,
  type ChatMutation,
  type LTHashState,
  type WAPatchName,
} from '@whiskeysockets/baileys';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

export type CollectionName = WAPatchName;

/** A label as the phone keeps it. */
export interface PhoneLabel {
  id: string;
  name: string;
  color: number;
  deleted: boolean;
  predefinedId: number | null;
}

/** The phone's view of the account's app state. */
export interface AppStateView {
  archived: string[];
  unread: string[];
  labels: PhoneLabel[];
  /** Label id → the chats it is on. */
  labelChats: Record<string, string[]>;
  pushName: string | null;
}

/** Why the server refuses a patch: WhatsApp's error code and text. */
export interface PatchRefusal {
  code: '400' | '409';
  text: string;
}

interface Collection {
  /** Version of the last patch; 0 while empty. */
  version: number;
  /** Encoded SyncdPatch of version i + 1 at index i. */
  patches: Buffer[];
  /** The LT hash after the last patch, as the phone computes it. */
  state: LTHashState;
  /** The live record of each index (by its MAC, base64): what a snapshot holds. */
  records: Map<string, proto.ISyncdRecord>;
}

/** The key the phone shares with its companions, as APP_STATE_SYNC_KEY_SHARE carries it. */
export interface AppStateKey {
  id: Buffer;
  data: proto.Message.IAppStateSyncKeyData;
}

/** WhatsApp's mutation keys (the snapshot MAC key among them), expanded from the key data. */
function snapshotMacKey(keyData: Uint8Array): Buffer {
  const expanded = Buffer.from(hkdfSync('sha256', keyData, Buffer.alloc(0), 'WhatsApp Mutation Keys', 160));
  return expanded.subarray(96, 128);
}

function snapshotMac(hash: Buffer, version: number, name: string, key: Buffer): Buffer {
  const versionBytes = Buffer.alloc(8);
  versionBytes.writeUInt32BE(version, 4);
  return createHmac('sha256', key).update(Buffer.concat([hash, versionBytes, Buffer.from(name, 'utf-8')])).digest();
}

/** One account's app state: the server's collections and the phone's view of them. */
export class AppState {
  readonly key: AppStateKey;
  private readonly collections = new Map<CollectionName, Collection>();
  private readonly archived = new Set<string>();
  private readonly unread = new Set<string>();
  private readonly labels = new Map<string, PhoneLabel>();
  private readonly labelChats = new Map<string, Set<string>>();
  pushName: string | null = null;

  constructor() {
    this.key = {
      id: randomBytes(6),
      data: {
        keyData: randomBytes(32),
        fingerprint: { rawId: randomBytes(4).readUInt32BE(0), currentIndex: 0, deviceIndexes: [0] },
        timestamp: Date.now(),
      },
    };
  }

  static isCollection(name: string | undefined): name is CollectionName {
    return (ALL_WA_PATCH_NAMES as readonly string[]).includes(name ?? '');
  }

  version(name: CollectionName): number {
    return this.collection(name).version;
  }

  /**
   * The collection as one snapshot (its live records, LT hash MAC'ed with the
   * key), encoded; null while it is empty.
   */
  snapshot(name: CollectionName): Buffer | null {
    const { version, records, state } = this.collection(name);
    if (!version) return null;
    const mac = snapshotMac(state.hash, version, name, snapshotMacKey(this.key.data.keyData ?? new Uint8Array()));
    return Buffer.from(proto.SyncdSnapshot.encode({ version: { version }, records: [...records.values()], mac, keyId: { id: this.key.id } }).finish());
  }

  /** The patches after `version`, oldest first. */
  patchesSince(name: CollectionName, version: number): Buffer[] {
    return this.collection(name).patches.slice(Math.max(0, version));
  }

  view(): AppStateView {
    const labelChats: Record<string, string[]> = {};
    for (const [label, chats] of this.labelChats) if (chats.size) labelChats[label] = [...chats].sort();
    return {
      archived: [...this.archived].sort(),
      unread: [...this.unread].sort(),
      labels: [...this.labels.values()],
      labelChats,
      pushName: this.pushName,
    };
  }

  /**
   * A patch a device uploads on top of version `base`: refused unless `base`
   * is the collection's version (409) and its key, MACs and LT hash check
   * out (400); otherwise stored as the next version and applied to the view.
   */
  async upload(name: CollectionName, base: number, bytes: Uint8Array): Promise<PatchRefusal | { version: number }> {
    const collection = this.collection(name);
    if (base !== collection.version) return { code: '409', text: 'conflict' };
    let patch: proto.SyncdPatch;
    try {
      patch = proto.SyncdPatch.decode(bytes);
    } catch {
      return { code: '400', text: 'bad-request' };
    }
    const version = base + 1;
    patch.version = { version };
    if (!patch.keyId?.id || !this.key.id.equals(Buffer.from(patch.keyId.id))) return { code: '400', text: 'bad-request' };
    const mutations: ChatMutation[] = [];
    let result: { hash: Buffer; indexValueMap: LTHashState['indexValueMap'] };
    try {
      result = await decodeSyncdPatch(patch, name, collection.state, this.keyLookup(), (m) => mutations.push(m), true);
    } catch {
      return { code: '400', text: 'bad-request' };
    }
    // A mutation whose value MAC fails is skipped by the decoder: the patch is bad.
    if (mutations.length !== patch.mutations.length) return { code: '400', text: 'bad-request' };
    const expected = snapshotMac(result.hash, version, name, snapshotMacKey(this.key.data.keyData ?? new Uint8Array()));
    if (!expected.equals(Buffer.from(patch.snapshotMac ?? []))) return { code: '400', text: 'bad-request' };
    collection.state = { version, hash: result.hash, indexValueMap: result.indexValueMap };
    for (const mutation of patch.mutations) {
      const index = Buffer.from(mutation.record?.index?.blob ?? []).toString('base64');
      if (mutation.operation === proto.SyncdMutation.SyncdOperation.REMOVE) collection.records.delete(index);
      else if (mutation.record) collection.records.set(index, mutation.record);
    }
    collection.patches.push(Buffer.from(proto.SyncdPatch.encode(patch).finish()));
    collection.version = version;
    for (const mutation of mutations) this.applyToView(mutation);
    return { version };
  }

  /** A change made on the phone, encoded with the shared key and uploaded like a companion's. */
  async phoneChange(mod: ChatModification, jid: string): Promise<{ name: CollectionName; version: number }> {
    const create = chatModificationToAppPatch(mod, jid);
    const collection = this.collection(create.type);
    const keyId = this.key.id.toString('base64');
    const { patch } = await encodeSyncdPatch(create, keyId, collection.state, this.keyLookup());
    const uploaded = await this.upload(create.type, collection.version, proto.SyncdPatch.encode(patch).finish());
    if ('code' in uploaded) throw new Error(`the phone's own patch was refused: ${uploaded.code} ${uploaded.text}`);
    return { name: create.type, version: uploaded.version };
  }

  private keyLookup() {
    return async (id: string): Promise<proto.Message.IAppStateSyncKeyData | undefined> =>
      id === this.key.id.toString('base64') ? this.key.data : undefined;
  }

  private collection(name: CollectionName): Collection {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = { version: 0, patches: [], state: newLTHashState(), records: new Map() };
      this.collections.set(name, collection);
    }
    return collection;
  }

  /** What the phone does with each mutation it decrypts. */
  private applyToView({ syncAction, index }: ChatMutation): void {
    const action = syncAction.value;
    const [type, first, second] = index;
    if (action?.archiveChatAction) {
      if (action.archiveChatAction.archived) this.archived.add(first);
      else this.archived.delete(first);
    } else if (action?.markChatAsReadAction) {
      if (action.markChatAsReadAction.read) this.unread.delete(first);
      else this.unread.add(first);
    } else if (action?.labelEditAction) {
      const edit = action.labelEditAction;
      this.labels.set(first, {
        id: first,
        name: edit.name ?? '',
        color: edit.color ?? 0,
        deleted: Boolean(edit.deleted),
        predefinedId: edit.predefinedId ?? null,
      });
    } else if (action?.labelAssociationAction && type === 'label_jid') {
      const chats = this.labelChats.get(first) ?? new Set<string>();
      if (action.labelAssociationAction.labeled) chats.add(second);
      else chats.delete(second);
      this.labelChats.set(first, chats);
    } else if (action?.pushNameSetting?.name) {
      this.pushName = action.pushNameSetting.name;
    }
  }
}
