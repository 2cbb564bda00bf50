import {
  binaryNodeToString,
  decodeBinaryNode,
  encodeBinaryNode,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  jidDecode,
  proto,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { AppState } from './app-state.js';
import { S_WHATSAPP_NET, type Account, type Companion, type Registration } from './account.js';
import { uintBE, verify } from './crypto.js';
import { GroupError, type GroupDirectory } from './group.js';
import type { Peer } from './phone.js';
import { FrameReader, frame, NoiseResponder, type Transport } from './noise.js';

/** What a connection needs from the emulator around it. */
export interface ServerState {
  readonly noise: { serverStatic: import('./crypto.js').KeyPair; certChain: Buffer };
  accountByPn(pn: string): Account | undefined;
  accountByLid(lid: string): Account | undefined;
  /** QR ref → the connection that showed it. */
  readonly pendingRefs: Map<string, Connection>;
  readonly media: { hostname: string; auth: string } | null;
  readonly historySync: boolean;
  /** Delays of the receipts a recipient's phone sends back; null: never. */
  receiptDelays(): { delivery: number | null; read: number | null; played: number | null };
  log(line: string): void;
  record(entry: StanzaLogEntry): void;
  /** A contact's phone decrypted a message a client sent. */
  delivered(message: ReceivedMessage): void;
  /**
   * Who a group or status message reaches: a group's members, or for
   * status@broadcast the accounts the sender handed its sender key
   * (`keyed`, the statusJidList).
   */
  broadcastRecipients(to: string, sender: Account, keyed: Account[]): Account[];
  unknownIq(xmlns: string, child: string | undefined): void;
  pairingCodeRequested(phone: string): void;
  callRejected(rejection: { callId: string; to: string }): void;
  /** A client offered a call to a contact, whose phone decrypted the call key. */
  callOffered(offer: CallOffer): void;
  /** A client ended a call it offered. */
  callTerminated(callId: string): void;
  /** A client sent a receipt (delivered, read, played) for messages it received. */
  receiptSent(receipt: SentReceipt): void;
  /** A client showed a chat state (typing, recording, paused) to a contact's phone. */
  chatState(state: ChatState): void;
  sendHistorySync(account: Account, deviceId: number): Promise<void>;
  /** The phone hands a new companion the app state key (APP_STATE_SYNC_KEY_SHARE). */
  shareAppStateKey(account: Account, deviceId: number): Promise<void>;
  /** Hosts an app state snapshot on the media host, as WhatsApp does; null without a media host. */
  hostAppStateSnapshot(snapshot: Buffer): proto.IExternalBlobReference | null;
  /** A collection of the account got a new version: its other live devices are told (server_sync). */
  appStateChanged(account: Account, name: string, version: number, from?: Connection): void;
  /** An account uploaded a new profile picture (JPEG bytes). */
  profilePictureSet(account: Account, jpeg: Buffer): void;
  readonly groups: GroupDirectory;
}

export interface StanzaLogEntry {
  dir: 'in' | 'out';
  phone: string | null;
  node: BinaryNode;
  summary: string;
  at: number;
}

/** A chat state an emulated phone was shown. */
export interface ChatState {
  /** The emulated person whose phone shows it. */
  to: string;
  /** The phone number of the account that shows it. */
  from: string;
  state: 'composing' | 'recording' | 'paused';
  at: number;
}

/** A call a client offered, as the callee's phone saw it. */
export interface CallOffer {
  callId: string;
  /** The phone number of the calling account. */
  from: string;
  /** The emulated person whose phone rang. */
  to: string;
  isVideo: boolean;
  at: number;
  /** When the caller ended it; null while it rings. */
  endedAt: number | null;
}

/** A receipt a client sent: which messages it acknowledges, to whom, how. */
export interface SentReceipt {
  /** The phone number of the account that sent it. */
  from: string;
  /** The chat: a contact's jid, a group or status@broadcast. */
  to: string;
  /** The author of the messages in a group or status. */
  participant?: string;
  /** Absent: delivered; `read`, `read-self`, `played`, ... */
  type?: string;
  ids: string[];
  at: number;
}

/** A message an emulated phone received from a client and decrypted. */
export interface ReceivedMessage {
  id: string;
  /** The emulated person whose phone got it. */
  to: string;
  /** The sender's jid (the client's account). */
  from: string;
  message: proto.IMessage;
  at: number;
  /** The group (or status@broadcast) it was sent to; absent for a chat message. */
  chat?: string;
  /** The sender's push name, as the server stamps it (`notify`); null when it has none. */
  pushName: string | null;
}

/** A pairwise message that only hands over a sender key carries nothing to show. */
function isOnlyKeyDistribution(message: proto.IMessage): boolean {
  const fields = Object.entries(message).filter(([, value]) => value !== null && value !== undefined);
  return fields.length > 0 && fields.every(([field]) => field === 'senderKeyDistributionMessage' || field === 'messageContextInfo');
}

const now = () => String(Math.floor(Date.now() / 1000));

function accountOf(state: ServerState, jid: string | undefined): Account | undefined {
  const decoded = jidDecode(jid);
  if (!decoded) return undefined;
  return decoded.server === 'lid' ? state.accountByLid(decoded.user) : state.accountByPn(decoded.user);
}

const children = (node: BinaryNode | undefined): BinaryNode[] => (Array.isArray(node?.content) ? node.content : []);
const bytes = (node: BinaryNode | undefined): Buffer =>
  node?.content instanceof Uint8Array ? Buffer.from(node.content) : Buffer.from(typeof node?.content === 'string' ? node.content : '');

/**
 * One client WebSocket: the Noise handshake, then the WhatsApp server's side
 * of registration (QR), pairing, login, IQs, messages, receipts and calls.
 */
export class Connection {
  private readonly reader = new FrameReader();
  private readonly handshake: NoiseResponder;
  private stage: 'hello' | 'finish' | 'transport' = 'hello';
  private transport: Transport | null = null;
  private nextId = 1;
  private pendingPairIq: string | null = null;
  private relay: Promise<void> = Promise.resolve();
  /** When the stanza being handled arrived. */
  private arrivedAt = 0;
  private pairing: { account: Account; companion: Companion } | null = null;
  /** The companion's static Noise key, from the handshake. */
  clientStatic: Buffer = Buffer.alloc(0);
  registration: Registration | null = null;
  account: Account | null = null;
  deviceId = 0;
  loggedIn = false;

  constructor(
    private readonly state: ServerState,
    readonly ws: WebSocket,
  ) {
    this.handshake = new NoiseResponder(state.noise.serverStatic, state.noise.certChain);
    ws.on('message', (data: Buffer) => {
      this.onData(Buffer.from(data)).catch((error: unknown) => {
        state.log(`connection error: ${(error as Error).stack ?? String(error)}`);
        ws.close();
      });
    });
  }

  get companion(): Companion | undefined {
    return this.account?.companions.get(this.deviceId);
  }

  send(node: BinaryNode): void {
    if (!this.transport || this.ws.readyState !== this.ws.OPEN) return;
    const summary = binaryNodeToString(node).slice(0, 400);
    this.state.log(`-> ${summary}`);
    this.state.record({ dir: 'out', phone: this.account?.pn ?? null, node, summary, at: Date.now() });
    this.ws.send(frame(this.transport.encrypt(encodeBinaryNode(node))));
  }

  close(): void {
    setTimeout(() => this.ws.close(), 20);
  }

  /** Pairs the phone with this connection's registration: what scanning the QR does. */
  pair(account: Account, platformId: string): { companion: Companion; keyIndex: number } {
    if (!this.registration) throw new Error('this connection did not ask to register');
    const deviceId = account.nextDeviceId++;
    const keyIndex = ++account.keyIndex;
    const companion: Companion = {
      ...this.registration,
      deviceId,
      keyIndex,
      platformId,
      noiseKey: this.clientStatic,
      preKeys: new Map(),
      historySent: false,
      appStateKeyShared: false,
    };
    account.companions.set(deviceId, companion);
    this.pairing = { account, companion };
    return { companion, keyIndex };
  }

  sendPairSuccess(account: Account, companion: Companion, container: Buffer, business: boolean): void {
    const id = this.id();
    this.pendingPairIq = id;
    this.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id, t: now() },
      content: [
        {
          tag: 'pair-success',
          attrs: {},
          content: [
            { tag: 'device-identity', attrs: { 'key-index': String(companion.keyIndex) }, content: container },
            { tag: 'platform', attrs: { name: 'android' } },
            {
              tag: 'device',
              attrs: { jid: `${account.pn}:${companion.deviceId}@${S_WHATSAPP_NET}`, lid: `${account.lid}:${companion.deviceId}@lid` },
            },
            ...(business ? [{ tag: 'biz', attrs: { name: account.name } }] : []),
          ],
        },
      ],
    });
  }

  private id(): string {
    return `emu-${this.nextId++}`;
  }

  private async onData(data: Buffer): Promise<void> {
    // When the bytes came, not when decoding got round to them: chat state timings are read from it.
    const arrivedAt = Date.now();
    for (const bytesOfFrame of this.reader.push(data)) await this.onFrame(bytesOfFrame, arrivedAt);
  }

  private async onFrame(data: Buffer, arrivedAt: number): Promise<void> {
    if (this.stage === 'hello') {
      const header = this.reader.header;
      if (header) this.handshake.prologue(header);
      this.ws.send(frame(this.handshake.hello(data)));
      this.stage = 'finish';
      return;
    }
    if (this.stage === 'finish') {
      const result = this.handshake.finish(data);
      this.transport = result.transport;
      this.clientStatic = result.clientStatic;
      this.stage = 'transport';
      this.afterHandshake(result.payload);
      return;
    }
    const node = await decodeBinaryNode(this.transport!.decrypt(data));
    const summary = binaryNodeToString(node).slice(0, 400);
    this.state.log(`<- ${summary}`);
    this.state.record({ dir: 'in', phone: this.account?.pn ?? null, node, summary, at: arrivedAt });
    this.arrivedAt = arrivedAt;
    await this.onNode(node);
  }

  private afterHandshake(payload: proto.ClientPayload): void {
    const pairing = payload.devicePairingData;
    if (pairing) return this.offerQr(pairing);
    // Login: the companion must be known and use the static key it paired with.
    const account = this.state.accountByPn(String(payload.username ?? ''));
    const companion = account?.companions.get(Number(payload.device ?? 0));
    if (!account || !companion || !companion.noiseKey.equals(this.clientStatic)) {
      this.send({ tag: 'failure', attrs: { reason: '401', location: 'emu' } });
      return;
    }
    this.account = account;
    this.deviceId = companion.deviceId;
    this.loggedIn = true;
    this.send({
      tag: 'success',
      attrs: { t: now(), lid: `${account.lid}:${companion.deviceId}@lid`, props: '1', abprops: '1', location: 'emu', creation: '1700000000' },
    });
  }

  /** A registration handshake: keep the companion's Signal bundle, hand out QR refs. */
  private offerQr(data: proto.ClientPayload.IDevicePairingRegistrationData): void {
    this.registration = {
      registrationId: Buffer.from(data.eRegid ?? []).readUInt32BE(0),
      identity: Buffer.from(data.eIdent ?? []),
      signedPreKeyId: Buffer.from(data.eSkeyId ?? []).readUIntBE(0, 3),
      signedPreKeyPub: Buffer.from(data.eSkeyVal ?? []),
      signedPreKeySignature: Buffer.from(data.eSkeySig ?? []),
      requireFullSync: data.deviceProps ? Boolean(proto.DeviceProps.decode(data.deviceProps).requireFullSync) : false,
    };
    const refs = Array.from({ length: 6 }, () => `2@${randomBytes(24).toString('base64')}`);
    for (const ref of refs) this.state.pendingRefs.set(ref, this);
    this.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: this.id(), xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {}, content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })) }],
    });
  }

  private async onNode(node: BinaryNode): Promise<void> {
    switch (node.tag) {
      case 'iq':
        return this.onIq(node);
      case 'message':
        // The server relays a client's messages in the order they came: a
        // sender key's chain must be read in the order it was used.
        this.relay = this.relay
          .then(() => this.onMessage(node))
          .catch((error: Error) => this.state.log(`relay of ${node.attrs.id} failed: ${error.message}`));
        return this.relay;
      case 'call':
        return this.onCall(node);
      case 'chatstate':
        return this.onChatState(node);
      case 'presence':
        return this.onPresence(node);
      case 'receipt':
        return this.onReceipt(node);
      default:
        // acks, presence, ib: nothing to answer
        return;
    }
  }

  private reply(node: BinaryNode, content?: BinaryNode[], attrs: Record<string, string> = {}): void {
    this.send({ tag: 'iq', attrs: { from: S_WHATSAPP_NET, type: 'result', id: node.attrs.id, ...attrs }, content });
  }

  private onIq(node: BinaryNode): void | Promise<void> {
    const { attrs } = node;
    const child = children(node)[0];
    if (attrs.type === 'result' || attrs.type === 'error') {
      if (attrs.id === this.pendingPairIq) this.onPairDeviceSign(node);
      return;
    }
    switch (attrs.xmlns) {
      case 'w:p':
        return this.reply(node);
      case 'passive':
        return this.onPassive(node);
      case 'encrypt':
        return this.onEncrypt(node, child);
      case 'abt':
        return this.reply(node, [{ tag: 'props', attrs: { protocol: '1', hash: 'emu' }, content: [] }]);
      case 'blocklist':
        return this.onBlocklist(node, child);
      case 'privacy':
        return this.onPrivacy(node, child);
      case 'usync':
        return this.onUsync(node, child);
      case 'w:m':
        if (child?.tag === 'media_conn' && this.state.media) return this.onMediaConn(node);
        break;
      case 'w:sync:app:state':
        return this.onAppState(node, child);
      case 'w:g2':
        return this.onGroupIq(node);
      case 'w:profile:picture':
        if (attrs.type === 'set' && attrs.target?.endsWith('@g.us')) return this.onSetGroupPicture(node, child);
        if (attrs.type === 'set') return this.onSetProfilePicture(node, child);
        if (child?.tag === 'picture') return this.onProfilePicture(node, child);
        break;
      case 'status':
        return this.onStatus(node, child);
      case 'w:biz':
        if (child?.tag === 'business_profile') return this.onBusiness(node, child);
        break;
      case 'md':
        if (child?.tag === 'link_code_companion_reg') return this.onPairingCode(node, child);
        break;
    }
    this.state.unknownIq(attrs.xmlns ?? '', child?.tag);
    // A fast error instead of silence: Baileys would otherwise wait for its query timeout.
    this.reply(node, [{ tag: 'error', attrs: { code: '501', text: 'feature-not-implemented' } }], { type: 'error' });
  }

  private onPassive(node: BinaryNode): void {
    this.reply(node);
    // The client is active: flush "offline" data, which ends Baileys' event buffering.
    this.send({ tag: 'ib', attrs: { from: S_WHATSAPP_NET }, content: [{ tag: 'offline', attrs: { count: '0' } }] });
    const companion = this.companion;
    const account = this.account;
    if (!account || !companion) return;
    // The phone shares its app state key first, then the history, as WhatsApp's phones do.
    const shareKey = !companion.appStateKeyShared;
    const sendHistory = this.state.historySync && !companion.historySent;
    companion.appStateKeyShared = true;
    if (sendHistory) companion.historySent = true;
    setTimeout(() => {
      void (async () => {
        if (shareKey) await this.state.shareAppStateKey(account, companion.deviceId);
        if (sendHistory) await this.state.sendHistorySync(account, companion.deviceId);
      })().catch((error: unknown) => this.state.log(`key share or history sync failed: ${String(error)}`));
    }, 10);
  }

  /**
   * w:sync:app:state: for each collection, either a patch the device uploads
   * on top of `version`, or a sync from `version`: answered with a snapshot
   * on the media host when the device asks for one (it syncs from scratch),
   * else with the patches since.
   */
  private async onAppState(node: BinaryNode, sync: BinaryNode | undefined): Promise<void> {
    const account = this.account;
    if (!account || sync?.tag !== 'sync') return this.badRequest(node);
    const out: BinaryNode[] = [];
    const changed: { name: string; version: number }[] = [];
    for (const collection of getBinaryNodeChildren(sync, 'collection')) {
      const name = collection.attrs.name;
      const version = Number(collection.attrs.version ?? 'NaN');
      if (!AppState.isCollection(name) || !Number.isInteger(version) || version < 0) return this.badRequest(node);
      const patch = getBinaryNodeChild(collection, 'patch');
      if (patch) {
        const uploaded = await account.appState.upload(name, version, bytes(patch));
        if ('code' in uploaded) {
          return this.reply(node, [{ tag: 'error', attrs: { code: uploaded.code, text: uploaded.text } }], { type: 'error' });
        }
        changed.push({ name, version: uploaded.version });
        out.push({ tag: 'collection', attrs: { name, version: String(uploaded.version) } });
        continue;
      }
      const snapshot = collection.attrs.return_snapshot === 'true' ? account.appState.snapshot(name) : null;
      const reference = snapshot ? this.state.hostAppStateSnapshot(snapshot) : null;
      if (reference) {
        const content = [{ tag: 'snapshot', attrs: {}, content: proto.ExternalBlobReference.encode(reference).finish() }];
        out.push({ tag: 'collection', attrs: { name, version: String(account.appState.version(name)), has_more_patches: 'false' }, content });
        continue;
      }
      const patches = account.appState.patchesSince(name, version);
      out.push({
        tag: 'collection',
        attrs: { name, version: String(account.appState.version(name)), has_more_patches: 'false' },
        content: patches.length ? [{ tag: 'patches', attrs: {}, content: patches.map((p) => ({ tag: 'patch', attrs: {}, content: p })) }] : undefined,
      });
    }
    if (account.appState.pushName) account.pushName = account.appState.pushName;
    this.reply(node, [{ tag: 'sync', attrs: {}, content: out }]);
    for (const { name, version } of changed) this.state.appStateChanged(account, name, version, this);
  }

  /** A device announcing itself with a name: the name its contacts see, until the app state sets one. */
  private onPresence(node: BinaryNode): void {
    const name = node.attrs.name;
    if (this.account && name && !this.account.appState.pushName) this.account.pushName = name;
  }

  private onEncrypt(node: BinaryNode, child: BinaryNode | undefined): void {
    const companion = this.companion;
    if (child?.tag === 'count') return this.reply(node, [{ tag: 'count', attrs: { value: String(companion?.preKeys.size ?? 0) } }]);
    if (child?.tag === 'digest') return this.reply(node, [{ tag: 'digest', attrs: {} }]);
    if (child?.tag === 'key') return this.onKeyBundles(node, child);
    const list = getBinaryNodeChild(node, 'list');
    if (node.attrs.type === 'set' && list && companion) {
      // Prekey upload: keep them for the senders that will need them.
      for (const key of getBinaryNodeChildren(list, 'key')) {
        companion.preKeys.set(bytes(getBinaryNodeChild(key, 'id')).readUIntBE(0, 3), bytes(getBinaryNodeChild(key, 'value')));
      }
      return this.reply(node);
    }
    this.state.unknownIq('encrypt', child?.tag);
    this.reply(node, [{ tag: 'error', attrs: { code: '501', text: 'feature-not-implemented' } }], { type: 'error' });
  }

  /** The account's privacy categories: read them all, or set the ones named. */
  private onPrivacy(node: BinaryNode, child: BinaryNode | undefined): void {
    if (child?.tag !== 'privacy') return this.reply(node);
    const privacy = this.account?.privacy;
    if (node.attrs.type === 'set') {
      for (const category of getBinaryNodeChildren(child, 'category')) {
        if (!category.attrs.name || !category.attrs.value) return this.badRequest(node);
        privacy?.set(category.attrs.name, category.attrs.value);
      }
      return this.reply(node);
    }
    const categories = [...(privacy ?? new Map<string, string>()).entries()];
    this.reply(node, [
      { tag: 'privacy', attrs: {}, content: categories.map(([name, value]) => ({ tag: 'category', attrs: { name, value } })) },
    ]);
  }

  private badRequest(node: BinaryNode): void {
    this.reply(node, [{ tag: 'error', attrs: { code: '400', text: 'bad-request' } }], { type: 'error' });
  }

  /** The account's own about text. */
  private onStatus(node: BinaryNode, child: BinaryNode | undefined): void {
    if (node.attrs.type !== 'set' || child?.tag !== 'status' || !this.account) return this.badRequest(node);
    this.account.about = bytes(child).toString('utf-8');
    this.reply(node);
  }

  /** A business_profile query: the profile of each business account asked for; none for the others. */
  private onBusiness(node: BinaryNode, child: BinaryNode): void {
    const profiles: BinaryNode[] = [];
    for (const profile of getBinaryNodeChildren(child, 'profile')) {
      const business = accountOf(this.state, profile.attrs.jid)?.business;
      if (!business) continue;
      const text = (tag: string, value: string | undefined) => (value === undefined ? [] : [{ tag, attrs: {}, content: Buffer.from(value) }]);
      profiles.push({
        tag: 'profile',
        attrs: { jid: profile.attrs.jid },
        content: [
          ...text('description', business.description),
          ...text('email', business.email),
          ...text('website', business.website),
          ...text('address', business.address),
          ...(business.category ? [{ tag: 'categories', attrs: {}, content: text('category', business.category) }] : []),
        ],
      });
    }
    this.reply(node, [{ tag: 'business_profile', attrs: { v: '244' }, content: profiles }]);
  }

  /** A w:g2 IQ: what the group directory answers, or its error as WhatsApp words it. */
  private onGroupIq(node: BinaryNode): void {
    if (!this.account) return this.reply(node, [{ tag: 'error', attrs: { code: '401', text: 'not-authorized' } }], { type: 'error' });
    try {
      this.reply(node, this.state.groups.iq(this.account, node));
    } catch (error) {
      if (!(error instanceof GroupError)) throw error;
      this.reply(node, [{ tag: 'error', attrs: { code: String(error.code), text: error.text } }], { type: 'error' });
    }
  }

  /** A group's picture: set (JPEG only) or removed by a member allowed to edit the group's info. */
  private onSetGroupPicture(node: BinaryNode, picture: BinaryNode | undefined): void {
    const group = this.state.groups.get(node.attrs.target);
    if (!this.account) return this.badRequest(node);
    if (!group) return this.reply(node, [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }], { type: 'error' });
    const image = picture ? bytes(picture) : null;
    if (image && (image.length < 3 || image[0] !== 0xff || image[1] !== 0xd8)) return this.badRequest(node);
    try {
      const id = this.state.groups.setPicture(this.account, group, image);
      this.reply(node, image ? [{ tag: 'picture', attrs: { id } }] : undefined);
    } catch (error) {
      if (!(error instanceof GroupError)) throw error;
      this.reply(node, [{ tag: 'error', attrs: { code: String(error.code), text: error.text } }], { type: 'error' });
    }
  }

  /** Sets or (without a picture) removes the account's own profile picture. */
  private onSetProfilePicture(node: BinaryNode, picture: BinaryNode | undefined): void {
    const account = this.account;
    if (!account || (node.attrs.target && accountOf(this.state, node.attrs.target) !== account)) return this.badRequest(node);
    if (!picture) {
      account.profilePicture = null;
      return this.reply(node);
    }
    const image = bytes(picture);
    // WhatsApp takes JPEG only: Baileys converts whatever it is given.
    if (image.length < 3 || image[0] !== 0xff || image[1] !== 0xd8) return this.badRequest(node);
    this.state.profilePictureSet(account, image);
    const id = account.profilePicture?.id ?? '';
    this.reply(node, [{ tag: 'picture', attrs: { id } }]);
  }

  /** Relayed to the contact's phone, which shows it; a contact who blocked the sender sees nothing. */
  private onChatState(node: BinaryNode): void {
    const to = accountOf(this.state, node.attrs.to);
    const child = children(node)[0];
    if (!to || !this.account || to.blocked.has(this.account.pn) || !child) return;
    const state = child.tag === 'composing' ? (child.attrs.media === 'audio' ? 'recording' : 'composing') : child.tag === 'paused' ? 'paused' : null;
    if (state) this.state.chatState({ to: to.pn, from: this.account.pn, state, at: this.arrivedAt });
  }

  /** The account's blocklist: listed on get, changed by set (items name the contact by LID, with pn_jid to block). */
  private onBlocklist(node: BinaryNode, item: BinaryNode | undefined): void {
    const account = this.account;
    if (!account) return this.reply(node, [{ tag: 'error', attrs: { code: '401', text: 'not-authorized' } }], { type: 'error' });
    if (node.attrs.type === 'get') {
      const items = [...account.blocked].map((pn) => this.state.accountByPn(pn)).filter((blocked) => blocked !== undefined);
      return this.reply(node, [{ tag: 'list', attrs: {}, content: items.map((blocked) => ({ tag: 'item', attrs: { jid: blocked.lidJid, pn_jid: blocked.pnJid } })) }]);
    }
    const target = accountOf(this.state, item?.attrs.jid);
    const action = item?.attrs.action;
    if (item?.tag !== 'item' || !target || (action !== 'block' && action !== 'unblock')) {
      return this.reply(node, [{ tag: 'error', attrs: { code: '400', text: 'bad-request' } }], { type: 'error' });
    }
    if (action === 'block') {
      if (item.attrs.pn_jid !== target.pnJid) return this.reply(node, [{ tag: 'error', attrs: { code: '400', text: 'bad-request' } }], { type: 'error' });
      account.blocked.add(target.pn);
    } else {
      account.blocked.delete(target.pn);
    }
    this.reply(node);
  }

  /** A profile picture query: its URL, or 404 when there is none, 401 when its privacy keeps it from the asker. */
  private onProfilePicture(node: BinaryNode, picture: BinaryNode): void {
    const group = node.attrs.target?.endsWith('@g.us') ? this.state.groups.get(node.attrs.target) : undefined;
    const target = accountOf(this.state, node.attrs.target);
    const current = group ? { ...group.picture, hidden: false } : target?.profilePicture;
    const error = (code: string, text: string) => this.reply(node, [{ tag: 'error', attrs: { code, text } }], { type: 'error' });
    if (!(target || group) || !current?.id || !current.url) return error('404', 'item-not-found');
    if (current.hidden && target !== this.account) return error('401', 'not-authorized');
    const type = picture.attrs.type === 'preview' ? 'preview' : 'image';
    const directPath = new URL(current.url).pathname + new URL(current.url).search;
    this.reply(node, [{ tag: 'picture', attrs: { id: current.id, type, url: current.url, direct_path: directPath } }]);
  }

  private onMediaConn(node: BinaryNode): void {
    const media = this.state.media!;
    this.reply(node, [
      {
        tag: 'media_conn',
        attrs: { auth: media.auth, ttl: '300', auth_ttl: '21600', max_buckets: '12' },
        content: [{ tag: 'host', attrs: { hostname: media.hostname, maxContentLengthBytes: String(100 * 1024 * 1024) } }],
      },
    ]);
  }

  private onPairingCode(node: BinaryNode, child: BinaryNode): void {
    const phone = (jidDecode(child.attrs.jid)?.user ?? '').split(':')[0];
    this.state.pairingCodeRequested(phone);
    this.reply(node, [{ tag: 'link_code_companion_reg', attrs: { stage: 'companion_hello' }, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: randomBytes(16) }] }]);
  }

  /** The companion signed its device identity: the real server now restarts the stream. */
  private onPairDeviceSign(node: BinaryNode): void {
    const pairing = this.pairing;
    const signedNode = getBinaryNodeChild(getBinaryNodeChild(node, 'pair-device-sign'), 'device-identity');
    if (pairing && signedNode) {
      const signed = proto.ADVSignedDeviceIdentity.decode(bytes(signedNode));
      const { companion, account } = pairing;
      const accountPub = account.phone.identityPub32;
      const message = Buffer.concat([Buffer.from([6, 1]), Buffer.from(signed.details ?? []), companion.identity, accountPub]);
      const valid = verify(companion.identity, message, Buffer.from(signed.deviceSignature ?? []));
      this.state.log(`pair-device-sign from ${account.pn}:${companion.deviceId}, device signature valid=${valid}`);
    }
    this.send({ tag: 'stream:error', attrs: { code: '515' } });
    this.close();
  }

  private onUsync(node: BinaryNode, usync: BinaryNode | undefined): void {
    const protocols = children(getBinaryNodeChild(usync, 'query')).map((p) => p.tag);
    const users = getBinaryNodeChildren(getBinaryNodeChild(usync, 'list'), 'user');
    const out: BinaryNode[] = users.map((user) => {
      let jid = user.attrs.jid;
      let account = jid ? accountOf(this.state, jid) : undefined;
      const contact = getBinaryNodeChild(user, 'contact');
      if (!jid && contact) {
        const phone = bytes(contact).toString().replace('+', '');
        account = this.state.accountByPn(phone);
        jid = `${phone}@${S_WHATSAPP_NET}`;
      }
      const content: BinaryNode[] = [];
      for (const protocol of protocols) {
        if (protocol === 'devices') {
          const devices = account
            ? [
                { tag: 'device', attrs: { id: '0' } },
                ...[...account.companions.values()].map((c) => ({ tag: 'device', attrs: { id: String(c.deviceId), 'key-index': String(c.keyIndex) } })),
              ]
            : [];
          content.push({ tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: devices }] });
        } else if (protocol === 'lid' && account) {
          // Mandatory in practice: Baileys fetches prekeys for LID addresses only.
          content.push({ tag: 'lid', attrs: { val: account.lidJid } });
        } else if (protocol === 'status' && account) {
          const hidden = account.privacy.get('status') === 'none' && account !== this.account;
          content.push(
            hidden || account.about === null
              ? { tag: 'status', attrs: { code: '401' } }
              : { tag: 'status', attrs: { t: now() }, content: Buffer.from(account.about) },
          );
        } else if (protocol === 'contact') {
          content.push({ tag: 'contact', attrs: { type: account ? 'in' : 'out' } });
        }
      }
      return { tag: 'user', attrs: { jid: jid ?? '' }, content };
    });
    this.reply(node, [
      { tag: 'usync', attrs: { ...usync?.attrs }, content: [{ tag: 'result', attrs: {} }, { tag: 'list', attrs: {}, content: out }] },
    ]);
  }

  /** Prekey bundles of the devices asked for: an emulated phone's, or a companion's uploaded ones. */
  private onKeyBundles(node: BinaryNode, keyNode: BinaryNode): void {
    const users: BinaryNode[] = [];
    for (const user of getBinaryNodeChildren(keyNode, 'user')) {
      const jid = user.attrs.jid;
      const device = jidDecode(jid)?.device ?? 0;
      const account = accountOf(this.state, jid);
      const bundle = account ? this.bundleNodes(account, device) : null;
      users.push({
        tag: 'user',
        attrs: { jid },
        content: bundle ?? [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }],
      });
    }
    this.reply(node, [{ tag: 'list', attrs: {}, content: users }]);
  }

  private bundleNodes(account: Account, device: number): BinaryNode[] | null {
    const keyNodes = (id: number, value: Buffer) => [
      { tag: 'id', attrs: {}, content: uintBE(id, 3) },
      { tag: 'value', attrs: {}, content: value },
    ];
    if (device === 0) {
      const phone = account.phone;
      const preKey = phone.takePreKey();
      return [
        { tag: 'registration', attrs: {}, content: uintBE(phone.registrationId, 4) },
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: phone.identityPub32 },
        {
          tag: 'skey',
          attrs: {},
          content: [
            ...keyNodes(phone.signedPreKey.keyId, phone.signedPreKey.keyPair.pubKey.subarray(1)),
            { tag: 'signature', attrs: {}, content: phone.signedPreKey.signature },
          ],
        },
        { tag: 'key', attrs: {}, content: keyNodes(preKey.keyId, preKey.keyPair.pubKey.subarray(1)) },
      ];
    }
    const companion = account.companions.get(device);
    if (!companion) return null;
    const first = [...companion.preKeys.entries()][0];
    if (first) companion.preKeys.delete(first[0]);
    return [
      { tag: 'registration', attrs: {}, content: uintBE(companion.registrationId, 4) },
      { tag: 'type', attrs: {}, content: Buffer.from([5]) },
      { tag: 'identity', attrs: {}, content: companion.identity },
      {
        tag: 'skey',
        attrs: {},
        content: [
          ...keyNodes(companion.signedPreKeyId, companion.signedPreKeyPub),
          { tag: 'signature', attrs: {}, content: companion.signedPreKeySignature },
        ],
      },
      ...(first ? [{ tag: 'key', attrs: {}, content: keyNodes(first[0], first[1]) }] : []),
    ];
  }

  /** A message from the client: ack it, let each recipient phone decrypt, send their receipts. */
  private async onMessage(node: BinaryNode): Promise<void> {
    const { attrs } = node;
    const t = now();
    this.send({ tag: 'ack', attrs: { class: 'message', id: attrs.id, from: attrs.to, t } });
    const me = { user: this.account?.lid ?? '', device: this.deviceId };
    const from = this.account?.pnJid ?? '';
    // Each <to> carries a pairwise message: the whole message in a chat, the
    // sender key's distribution in a group or status broadcast.
    const keyed: Account[] = [];
    let voiceNote = false;
    for (const participant of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
      const account = accountOf(this.state, participant.attrs.jid);
      const device = jidDecode(participant.attrs.jid)?.device ?? 0;
      if (!account || device !== 0) continue;
      const enc = getBinaryNodeChild(participant, 'enc');
      try {
        const message = await account.phone.decrypt(me, enc?.attrs.type ?? 'msg', bytes(enc));
        if (message.audioMessage?.ptt) voiceNote = true;
        const distribution = message.senderKeyDistributionMessage;
        if (distribution?.axolotlSenderKeyDistributionMessage && distribution.groupId === attrs.to) {
          await account.phone.processSenderKeyDistribution(attrs.to, me, distribution.axolotlSenderKeyDistributionMessage);
          keyed.push(account);
        }
        if (!isOnlyKeyDistribution(message)) {
          this.state.delivered({ id: attrs.id, to: account.pn, from, message, at: Date.now(), pushName: this.account?.pushName ?? null });
        }
      } catch (error) {
        this.state.log(`decrypt failed for ${participant.attrs.jid}: ${(error as Error).message}`);
      }
    }
    const skmsg = getBinaryNodeChildren(node, 'enc').find((enc) => enc.attrs.type === 'skmsg');
    if (skmsg && this.account) {
      await this.deliverSenderKeyMessage(attrs, me, bytes(skmsg), keyed);
      return;
    }
    const recipient = accountOf(this.state, attrs.to);
    if (!recipient || recipient === this.account) return;
    const { delivery, read, played } = this.state.receiptDelays();
    if (delivery !== null) setTimeout(() => this.send({ tag: 'receipt', attrs: { from: attrs.to, id: attrs.id, t } }), delivery);
    if (read !== null) setTimeout(() => this.send({ tag: 'receipt', attrs: { from: attrs.to, id: attrs.id, type: 'read', t } }), read);
    // A voice note is also played, once listened to.
    if (played !== null && voiceNote) setTimeout(() => this.send({ tag: 'receipt', attrs: { from: attrs.to, id: attrs.id, type: 'played', t } }), played);
  }

  /**
   * A group or status message: the server fans it out to the audience
   * (`broadcastRecipients`), each phone decrypts it with the sender key it
   * holds, and acknowledges it with a receipt naming itself as participant.
   */
  private async deliverSenderKeyMessage(attrs: Record<string, string>, me: Peer, ciphertext: Buffer, keyed: Account[]): Promise<void> {
    const sender = this.account as Account;
    const t = now();
    const { delivery, read } = this.state.receiptDelays();
    const group = this.state.groups.get(attrs.to);
    for (const account of this.state.broadcastRecipients(attrs.to, sender, keyed)) {
      if (account === sender) continue;
      try {
        const message = await account.phone.decryptGroup(attrs.to, me, ciphertext);
        this.state.delivered({ id: attrs.id, to: account.pn, from: sender.pnJid, message, at: Date.now(), chat: attrs.to, pushName: sender.pushName });
      } catch (error) {
        this.state.log(`sender key decrypt failed for ${account.pn} in ${attrs.to}: ${(error as Error).message}`);
        continue;
      }
      const receipt = (type?: string) =>
        this.send({ tag: 'receipt', attrs: { from: attrs.to, participant: group?.jidOf(account) ?? account.pnJid, id: attrs.id, t, ...(type ? { type } : {}) } });
      if (delivery !== null) setTimeout(() => receipt(), delivery);
      if (read !== null) setTimeout(() => receipt('read'), read);
    }
  }

  /** Kept for tests to read; the real server passes it on to the author's phone. */
  private onReceipt(node: BinaryNode): void {
    const { attrs } = node;
    const listed = getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item').map((item) => item.attrs.id);
    this.state.receiptSent({
      from: this.account?.pn ?? '',
      to: attrs.to ?? '',
      ...(attrs.participant ? { participant: attrs.participant } : {}),
      ...(attrs.type ? { type: attrs.type } : {}),
      ids: [attrs.id, ...listed].filter((id): id is string => Boolean(id)),
      at: Date.now(),
    });
  }

  private async onCall(node: BinaryNode): Promise<void> {
    const reject = getBinaryNodeChild(node, 'reject');
    if (reject) this.state.callRejected({ callId: reject.attrs['call-id'], to: node.attrs.to });
    const offer = getBinaryNodeChild(node, 'offer');
    if (offer) await this.onCallOffer(node, offer);
    const terminate = getBinaryNodeChild(node, 'terminate');
    if (terminate) this.state.callTerminated(terminate.attrs['call-id']);
    this.send({ tag: 'ack', attrs: { id: node.attrs.id ?? this.id(), class: 'call', from: node.attrs.to ?? S_WHATSAPP_NET } });
  }

  /**
   * A call offer carries the call key encrypted for each of the callee's
   * devices: the phone rings only if it can decrypt its copy.
   */
  private async onCallOffer(node: BinaryNode, offer: BinaryNode): Promise<void> {
    const callee = accountOf(this.state, node.attrs.to);
    if (!callee || !this.account || callee.blocked.has(this.account.pn)) return;
    const me = { user: this.account.lid, device: this.deviceId };
    const copies = getBinaryNodeChildren(getBinaryNodeChild(offer, 'destination'), 'to');
    const own = copies.find((to) => accountOf(this.state, to.attrs.jid) === callee && (jidDecode(to.attrs.jid)?.device ?? 0) === 0);
    const enc = getBinaryNodeChild(own, 'enc');
    if (!enc) return this.state.log(`call offer ${offer.attrs['call-id']} carries no key for ${callee.pn}`);
    try {
      const message = await callee.phone.decrypt(me, enc.attrs.type ?? 'msg', bytes(enc));
      if (!message.call?.callKey?.length) return this.state.log(`call offer ${offer.attrs['call-id']} without a call key`);
    } catch (error) {
      return this.state.log(`call key decrypt failed for ${callee.pn}: ${(error as Error).message}`);
    }
    const isVideo = getBinaryNodeChild(offer, 'video') !== undefined;
    this.state.callOffered({ callId: offer.attrs['call-id'], from: this.account.pn, to: callee.pn, isVideo, at: Date.now(), endedAt: null });
  }
}
