// History sync: an account's phone can be given a history (`giveHistory`, or
// `history` at `scanQr`): chats with their messages (text or image, original
// timestamps) and contact names. After a new device pairs and logs in, the
// phone sends it HISTORY_SYNC_NOTIFICATION peer messages as WhatsApp does: each
// HistorySync chunk (history.ts) is zlib-deflated, encrypted and uploaded to
// the media host, and referenced by the notification (by path only, as
// WhatsApp does: clients must fetch it from `mediaHostname`, the gateway with
// WA_MEDIA_HOST). Without a given history the phone sends one empty, inline
// initial bootstrap.
//
// App state (app-state.ts): before the history, the phone shares its app state
// key with the new device (APP_STATE_SYNC_KEY_SHARE). The server keeps each
// collection's patches and tells the account's devices of new ones
// (server_sync); `appState(phone)` is the phone's view of them, and
// `editLabel` / `labelChat` are changes made on the phone.
import { proto, type BinaryNode, type ChatModification } from '@whiskeysockets/baileys';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import { WebSocketServer } from 'ws';
import { Account, S_WHATSAPP_NET, type ProfilePicture } from './account.js';
import type { AppStateView } from './app-state.js';
import { Connection, type CallOffer, type ChatState, type ReceivedMessage, type SentReceipt, type ServerState, type StanzaLogEntry } from './connection.js';
import { generateKeyPair, sign, type KeyPair } from './crypto.js';
import { GroupDirectory, type AddressingMode, type Group, type GroupRole } from './group.js';
import { historyChunks, type PhoneHistory } from './history.js';
import type { Bundle } from './phone.js';
import { CA_CERT_PATH, MediaHost, type MediaKind, type MediaReference } from './media-host.js';

export type { AddressingMode, CallOffer, ReceivedMessage, SentReceipt, StanzaLogEntry };
export type { AppStateView, PhoneLabel } from './app-state.js';
export type { HistoryContact, HistoryConversation, HistoryMessage, PhoneHistory } from './history.js';

/** Control stanzas the server can end a session with (see the close-code table). */
export type KickReason = 515 | 401 | 440 | 503 | 'device_removed' | 'xmlstreamend';

export interface EmulatorOptions {
  /** Start the HTTPS media host (default true). */
  media?: boolean;
  /** Print every stanza (default false). */
  log?: boolean;
  /** Push an initial history sync after a first login, as the phone does (default true). */
  historySync?: boolean;
  /** How the groups clients create are addressed (default 'pn'; see `groupAddressing`). */
  groupAddressing?: AddressingMode;
}

/** A group as the server holds it, for tests to read. */
export interface GroupState {
  jid: string;
  addressingMode: AddressingMode;
  subject: string;
  subjectOwner: string;
  description: string | null;
  creator: string;
  /** Phone numbers of the members, in the order they joined. */
  members: string[];
  admins: string[];
  superadmin: string | null;
  announce: boolean;
  locked: boolean;
  ephemeral: number;
  inviteCode: string;
  pictureUrl: string | null;
}

export interface SendOptions {
  /** Address the message from the sender's LID (what WhatsApp increasingly does). */
  lid?: boolean;
}

export interface OutgoingMedia {
  kind: MediaKind;
  bytes: Buffer;
  mimetype: string;
  fileName?: string;
  caption?: string;
  /** Sent as a reply to this earlier message of the chat. */
  quotedId?: string;
}

const MEDIA_FIELD: Record<MediaKind, keyof proto.IMessage> = {
  image: 'imageMessage',
  video: 'videoMessage',
  audio: 'audioMessage',
  document: 'documentMessage',
  sticker: 'stickerMessage',
};

const messageId = () => `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;

/**
 * A WhatsApp server on loopback that the real Baileys client connects to, with
 * emulated phones for the account owners and their contacts. Tests drive it
 * like people would: scan a QR, send a text, read what arrived, unlink.
 */
export class WaEmulator {
  readonly stanzas: StanzaLogEntry[] = [];
  readonly failedIqs: { xmlns: string; child: string | undefined }[] = [];
  readonly pairingCodeRequests: { phone: string }[] = [];
  /** History chunks the phones sent their new devices, in order. */
  readonly historySyncs: { phone: string; deviceId: number; syncType: keyof typeof proto.HistorySync.HistorySyncType }[] = [];
  /** App state snapshots handed to devices syncing from scratch. */
  appStateSnapshots = 0;
  private readonly rejections: { callId: string; to: string }[] = [];
  private readonly offers: CallOffer[] = [];
  private readonly receiptLog: SentReceipt[] = [];
  private readonly received: ReceivedMessage[] = [];
  private readonly chatStateLog: ChatState[] = [];
  private readonly consumed = new Set<ReceivedMessage>();
  private readonly accountsByPn = new Map<string, Account>();
  private readonly accountsByLid = new Map<string, Account>();
  private readonly pendingRefs = new Map<string, Connection>();
  private readonly connectionSet = new Set<Connection>();
  private delays: { delivery: number | null; read: number | null; played: number | null } = { delivery: 50, read: null, played: null };
  private readonly serverStatic: KeyPair = generateKeyPair();
  private readonly root: KeyPair = generateKeyPair();
  private readonly certChain: Buffer;
  private readonly groups: GroupDirectory;

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly mediaHost: MediaHost | null,
    private readonly options: EmulatorOptions,
  ) {
    this.certChain = this.buildCertChain();
    this.groups = new GroupDirectory({
      accountOf: (jid) => this.accountOf(jid),
      notify: (audience, group, actor, child) => this.notifyGroup(audience, group, actor, child),
      servePicture: (jpeg) => (this.mediaHost ? this.mediaHost.serveFile(jpeg, 'image/jpeg') : `https://pps.whatsapp.net/g/${Date.now()}.jpg`),
    });
    this.groups.newGroupAddressing = options.groupAddressing ?? 'pn';
    wss.on('connection', (ws) => {
      const connection = new Connection(this.state(), ws);
      this.connectionSet.add(connection);
      ws.on('close', () => this.connectionSet.delete(connection));
    });
  }

  static async start(options: EmulatorOptions = {}): Promise<WaEmulator> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws/chat' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const media = options.media === false ? null : await MediaHost.start();
    return new WaEmulator(wss, media, options);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/ws/chat`;
  }

  /** The root of the server's Noise certificate chain: clients must trust it (WA_CERT_DETAILS.PUBLIC_KEY). */
  get rootPublicKey(): Buffer {
    return this.root.pub;
  }

  /**
   * host:port of the media host. History chunks are named by a path only and
   * clients fetch them from WhatsApp's media host: point them here instead.
   */
  get mediaHostname(): string | null {
    return this.mediaHost?.hostname ?? null;
  }

  /** Paths of the media blobs clients downloaded, in order. */
  get mediaDownloads(): readonly string[] {
    return this.mediaHost?.downloads ?? [];
  }

  /** How the groups clients create from now on are addressed: by phone number or by LID. */
  get groupAddressing(): AddressingMode {
    return this.groups.newGroupAddressing;
  }

  set groupAddressing(mode: AddressingMode) {
    this.groups.newGroupAddressing = mode;
  }

  /** The test CA of the HTTPS media host (for NODE_EXTRA_CA_CERTS). */
  get caCertPath(): string {
    return CA_CERT_PATH;
  }

  addContact(pn: string, name = `Contact ${pn}`): Account {
    const existing = this.accountsByPn.get(pn);
    if (existing) return existing;
    const account = new Account(pn, name);
    this.accountsByPn.set(pn, account);
    this.accountsByLid.set(account.lid, account);
    return account;
  }

  account(pn: string): Account {
    const account = this.accountsByPn.get(pn);
    if (!account) throw new Error(`no emulated account ${pn}`);
    return account;
  }

  /** The phone of `phone` scans the QR a client shows: the companion is paired, then told to restart (515). */
  /**
   * The phone scans the QR and links the device. A `business` account's name
   * comes with the pairing (WhatsApp Business); other accounts' names come
   * through app-state sync (pushNameSetting), which here holds one only once
   * a device of the account set it.
   */
  async scanQr(
    qr: string,
    { phone, name, business = false, history }: { phone: string; name?: string; business?: boolean; history?: PhoneHistory },
  ): Promise<{ jid: string; lid: string }> {
    const [ref, noiseB64, identityB64, advB64, platformId] = (qr.split('#')[1] ?? qr).split(',');
    const connection = this.pendingRefs.get(ref);
    if (!connection) throw new Error(`unknown or expired QR ref ${ref}`);
    if (!Buffer.from(noiseB64, 'base64').equals(connection.clientStatic)) throw new Error('the QR noise key is not this connection’s');
    if (!connection.registration || !Buffer.from(identityB64, 'base64').equals(connection.registration.identity)) {
      throw new Error('the QR identity key does not match the registration');
    }
    const account = this.addContact(phone, name ?? `Owner ${phone}`);
    if (history) account.history = history;
    const { companion, keyIndex } = connection.pair(account, platformId);
    // ADV: the account key (the phone's identity) vouches for the new device.
    const details = Buffer.from(
      proto.ADVDeviceIdentity.encode({
        rawId: randomInt(2 ** 31),
        timestamp: Math.floor(Date.now() / 1000),
        keyIndex,
        accountType: 0,
        deviceType: 0,
      }).finish(),
    );
    const accountPub = account.phone.identityPub32;
    const accountSignature = sign(account.phone.identity.privKey, Buffer.concat([Buffer.from([6, 0]), details, companion.identity]));
    const signedIdentity = Buffer.from(
      proto.ADVSignedDeviceIdentity.encode({ details, accountSignatureKey: accountPub, accountSignature }).finish(),
    );
    // The HMAC key is the secret only the QR carried.
    const hmac = createHmac('sha256', Buffer.from(advB64, 'base64')).update(signedIdentity).digest();
    const container = Buffer.from(proto.ADVSignedDeviceIdentityHMAC.encode({ details: signedIdentity, hmac }).finish());
    connection.sendPairSuccess(account, companion, container, business);
    return { jid: `${account.pn}:${companion.deviceId}@s.whatsapp.net`, lid: `${account.lid}:${companion.deviceId}@lid` };
  }

  /**
   * Gives `phone` a profile picture: bytes served by the media host, or any
   * URL; null removes it. `hidden`: kept from others by its privacy (401 to them).
   */
  setProfilePicture(phone: string, picture: { bytes: Buffer; mimetype?: string } | { url: string } | null, { hidden = false } = {}): ProfilePicture | null {
    const account = this.addContact(phone);
    if (!picture) return (account.profilePicture = null);
    let url: string;
    if ('url' in picture) url = picture.url;
    else if (this.mediaHost) url = this.mediaHost.serveFile(picture.bytes, picture.mimetype ?? 'image/jpeg');
    else throw new Error('the emulator runs without a media host');
    account.profilePicture = { id: String(randomInt(1_000_000_000, 2_000_000_000)), url, hidden };
    return account.profilePicture;
  }

  /** What the account's phone holds, sent to each device linked from now on. */
  giveHistory(phone: string, history: PhoneHistory): void {
    this.addContact(phone, `Owner ${phone}`).history = history;
  }

  isRegistered(phone: string): boolean {
    return (this.accountsByPn.get(phone)?.companions.size ?? 0) > 0;
  }

  /** Live, logged-in connections of an account (or of all). */
  connections(phone?: string): number {
    return [...this.connectionSet].filter((c) => c.loggedIn && (!phone || c.account?.pn === phone)).length;
  }

  async sendTextToClient(fromPn: string, toPhone: string, text: string, options: SendOptions = {}): Promise<{ id: string }> {
    return this.sendToClient(this.addContact(fromPn), this.account(toPhone), { conversation: text }, options);
  }

  /** `directPath`: where the media host keeps the file (see mediaDownloads). */
  async sendMediaToClient(fromPn: string, toPhone: string, media: OutgoingMedia, options: SendOptions = {}): Promise<{ id: string; directPath: string }> {
    if (!this.mediaHost) throw new Error('the emulator runs without a media host');
    const sealed = this.mediaHost.seal(media.bytes, media.kind);
    const content = {
      ...sealed,
      mimetype: media.mimetype,
      ...(media.fileName ? { fileName: media.fileName, title: media.fileName } : {}),
      ...(media.caption ? { caption: media.caption } : {}),
      ...(media.quotedId ? { contextInfo: { stanzaId: media.quotedId, participant: `${fromPn}@s.whatsapp.net`, quotedMessage: { conversation: '' } } } : {}),
    };
    const sent = await this.sendToClient(this.addContact(fromPn), this.account(toPhone), { [MEDIA_FIELD[media.kind]]: content }, { ...options, type: 'media' });
    return { ...sent, directPath: sealed.directPath };
  }

  /** A text quoting an earlier message of the same chat. */
  async sendReplyToClient(fromPn: string, toPhone: string, text: string, quotedId: string, options: SendOptions = {}): Promise<{ id: string }> {
    const contextInfo = { stanzaId: quotedId, participant: `${fromPn}@s.whatsapp.net`, quotedMessage: { conversation: '' } };
    return this.sendToClient(this.addContact(fromPn), this.account(toPhone), { extendedTextMessage: { text, contextInfo } }, options);
  }

  /** A reaction to a message of the chat (`messageId`, sent by `fromPn` when `ownMessage`); '' takes it back. */
  async reactToClient(fromPn: string, toPhone: string, messageId: string, emoji: string, ownMessage = false): Promise<{ id: string }> {
    const to = this.account(toPhone);
    const key = { remoteJid: to.pnJid, fromMe: ownMessage, id: messageId };
    return this.sendToClient(this.addContact(fromPn), to, { reactionMessage: { key, text: emoji, senderTimestampMs: Date.now() } }, { type: 'reaction' });
  }

  /** The sender edits the text of a message it sent earlier. */
  async editToClient(fromPn: string, toPhone: string, messageId: string, text: string): Promise<{ id: string }> {
    const to = this.account(toPhone);
    const protocolMessage = {
      key: { remoteJid: to.pnJid, fromMe: true, id: messageId },
      type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
      editedMessage: { conversation: text },
      timestampMs: Date.now(),
    };
    return this.sendToClient(this.addContact(fromPn), to, { protocolMessage }, {});
  }

  /** The sender deletes a message it sent earlier for everyone. */
  async revokeToClient(fromPn: string, toPhone: string, messageId: string): Promise<{ id: string }> {
    const to = this.account(toPhone);
    const protocolMessage = { key: { remoteJid: to.pnJid, fromMe: true, id: messageId }, type: proto.Message.ProtocolMessage.Type.REVOKE };
    return this.sendToClient(this.addContact(fromPn), to, { protocolMessage }, {});
  }

  /** A contact posts a text status that the account's devices receive through status@broadcast. */
  async postStatusToClient(fromPn: string, toPhone: string, text: string): Promise<{ id: string }> {
    return this.sendBroadcastToClient(this.addContact(fromPn), this.account(toPhone), 'status@broadcast', { extendedTextMessage: { text } });
  }

  /** The account's app state as its phone sees it: archived chats, unread marks, labels, push name. */
  appState(phone: string): AppStateView {
    return this.account(phone).appState.view();
  }

  /** The phone creates or edits a label (`deleted` removes it); the account's devices are told. */
  async editLabel(phone: string, label: { id: string; name: string; color: number; deleted?: boolean; predefinedId?: number }): Promise<void> {
    await this.phoneAppChange(phone, { addLabel: { ...label, deleted: label.deleted ?? false } }, '');
  }

  /** The phone puts a label on a chat, or takes it off. */
  async labelChat(phone: string, labelId: string, chatJid: string, labeled = true): Promise<void> {
    await this.phoneAppChange(phone, labeled ? { addChatLabel: { labelId } } : { removeChatLabel: { labelId } }, chatJid);
  }

  /**
   * `ownerPn`'s phone creates a group with these members (phone numbers; the
   * client's account among them or not). Members' devices are notified.
   * `addressing`: 'lid' makes it a LID group; by default it is addressed by
   * phone number.
   */
  createGroup(ownerPn: string, subject: string, memberPns: string[], { addressing = 'pn' }: { addressing?: AddressingMode } = {}): string {
    const members = memberPns.map((pn) => this.addContact(pn));
    return this.groups.create(this.addContact(ownerPn), subject, members, addressing).group.jid;
  }

  /** The group as the server holds it now. */
  group(jid: string): GroupState {
    const group = this.groups.get(jid);
    if (!group) throw new Error(`no emulated group ${jid}`);
    const withRole = (wanted: (role: GroupRole) => boolean) =>
      [...group.members.entries()].filter(([, role]) => wanted(role)).map(([account]) => account.pn);
    return {
      jid: group.jid,
      addressingMode: group.addressingMode,
      subject: group.subject,
      subjectOwner: group.subjectOwner.pn,
      description: group.description?.body ?? null,
      creator: group.creator.pn,
      members: withRole(() => true),
      admins: withRole(Boolean),
      superadmin: withRole((role) => role === 'superadmin')[0] ?? null,
      announce: group.announce,
      locked: group.locked,
      ephemeral: group.ephemeral,
      inviteCode: group.inviteCode,
      pictureUrl: group.picture?.url ?? null,
    };
  }

  /** Whether a group of that jid exists. */
  hasGroup(jid: string): boolean {
    return this.groups.get(jid) !== undefined;
  }

  /** A member's phone changes the group's subject. */
  changeGroupSubject(byPn: string, groupJid: string, subject: string): void {
    this.groups.setSubject(this.account(byPn), this.existingGroup(groupJid), subject);
  }

  /** A member's phone changes the group's description. */
  changeGroupDescription(byPn: string, groupJid: string, description: string): void {
    this.groups.setDescription(this.account(byPn), this.existingGroup(groupJid), description, undefined, undefined);
  }

  /** An admin's phone adds, removes, promotes or demotes members (phone numbers): WhatsApp's code per number. */
  changeGroupParticipants(byPn: string, groupJid: string, action: 'add' | 'remove' | 'promote' | 'demote', pns: string[]): { pn: string; code: number }[] {
    const jids = pns.map((pn) => `${pn}@s.whatsapp.net`);
    return this.groups
      .participants(this.account(byPn), this.existingGroup(groupJid), action, jids)
      .map((result) => ({ pn: result.jid.split('@')[0], code: result.error ?? 200 }));
  }

  /** A member's phone leaves the group. */
  leaveGroup(pn: string, groupJid: string): void {
    this.groups.leave(this.account(pn), this.existingGroup(groupJid));
  }

  /** A member posts a message in the group: every other member's devices receive it under the sender's key. */
  async sendGroupMessageToClient(fromPn: string, groupJid: string, message: proto.IMessage, type = 'text'): Promise<{ id: string }> {
    const group = this.existingGroup(groupJid);
    const from = this.account(fromPn);
    if (!group.isMember(from)) throw new Error(`${fromPn} is not a member of ${groupJid}`);
    const id = messageId();
    for (const member of group.members.keys()) {
      if (member !== from) await this.sendBroadcastToClient(from, member, group.jid, message, { id, type });
    }
    return { id };
  }

  async sendGroupTextToClient(fromPn: string, groupJid: string, text: string): Promise<{ id: string }> {
    return this.sendGroupMessageToClient(fromPn, groupJid, { conversation: text });
  }

  async sendGroupMediaToClient(fromPn: string, groupJid: string, media: OutgoingMedia): Promise<{ id: string }> {
    if (!this.mediaHost) throw new Error('the emulator runs without a media host');
    const content = { ...this.mediaHost.seal(media.bytes, media.kind), mimetype: media.mimetype, ...(media.caption ? { caption: media.caption } : {}) };
    return this.sendGroupMessageToClient(fromPn, groupJid, { [MEDIA_FIELD[media.kind]]: content }, 'media');
  }

  /** Chat states (typing, recording, paused) a contact's phone was shown, oldest first. */
  chatStates(contactPn: string): ChatState[] {
    return this.chatStateLog.filter((state) => state.to === contactPn);
  }

  /** Phone numbers the account blocked, as the server keeps them. */
  blocklist(phone: string): string[] {
    return [...this.account(phone).blocked];
  }

  /** Messages a contact's phone received from clients, oldest first. */
  receivedMessages(contactPn: string): ReceivedMessage[] {
    return this.received.filter((m) => m.to === contactPn);
  }

  /**
   * The next message to a contact that no earlier call returned: in its chat
   * with the sender, or in the group (or status@broadcast) `chat` names.
   */
  async nextMessage(contactPn: string, timeoutMs = 10_000, chat?: string): Promise<ReceivedMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m) => m.to === contactPn && m.chat === chat && !this.consumed.has(m));
      if (found) {
        this.consumed.add(found);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no message reached ${contactPn} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Fetches and decrypts the media of a message a contact received, checking its hashes. */
  downloadReceivedMedia(received: ReceivedMessage): Buffer {
    if (!this.mediaHost) throw new Error('the emulator runs without a media host');
    for (const [kind, field] of Object.entries(MEDIA_FIELD) as [MediaKind, keyof proto.IMessage][]) {
      const reference = received.message[field] as MediaReference | null | undefined;
      if (reference?.mediaKey) return this.mediaHost.open(reference, kind);
    }
    // A video note is a video under its own field.
    const note = received.message.ptvMessage as MediaReference | null | undefined;
    if (note?.mediaKey) return this.mediaHost.open(note, 'video');
    throw new Error('the message carries no media');
  }

  /** Ends every live session of the account with a control stanza, as the real server does. */
  kick(phone: string, reason: KickReason): void {
    const stanza: BinaryNode =
      reason === 'xmlstreamend'
        ? { tag: 'xmlstreamend', attrs: {} }
        : reason === 440
          ? { tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] }
          : reason === 'device_removed' || reason === 401
            ? { tag: 'stream:error', attrs: { code: '401' }, content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }] }
            : { tag: 'stream:error', attrs: { code: String(reason) } };
    if (reason === 'device_removed' || reason === 401) this.unlink(phone);
    for (const connection of this.connectionSet) {
      if (connection.account?.pn !== phone) continue;
      connection.send(stanza);
      connection.close();
    }
  }

  /** Forgets the account's companions: their next login is refused with 401. */
  unlink(phone: string): void {
    this.accountsByPn.get(phone)?.companions.clear();
  }

  /** An incoming voice call from a contact to every live companion of the account. */
  async offerCall(fromPn: string, toPhone: string): Promise<{ callId: string }> {
    const from = this.addContact(fromPn);
    const to = this.account(toPhone);
    const callId = randomBytes(16).toString('hex').toUpperCase();
    const t = String(Math.floor(Date.now() / 1000));
    for (const connection of this.connectionSet) {
      if (!connection.loggedIn || connection.account !== to) continue;
      connection.send({
        tag: 'call',
        attrs: { from: from.pnJid, id: messageId(), t, notify: from.name },
        content: [
          {
            tag: 'offer',
            attrs: { 'call-id': callId, 'call-creator': from.pnJid, caller_pn: from.pnJid },
            content: [{ tag: 'audio', attrs: { enc: 'opus', rate: '16000' } }],
          },
        ],
      });
    }
    return { callId };
  }

  callRejections(): { callId: string; to: string }[] {
    return [...this.rejections];
  }

  /** Calls clients offered to a contact, oldest first; `endedAt` once the caller ended one. */
  callOffers(contactPn: string): CallOffer[] {
    return this.offers.filter((offer) => offer.to === contactPn).map((offer) => ({ ...offer }));
  }

  /** Receipts the account's clients sent for messages they received, oldest first. */
  receiptsSent(phone: string): SentReceipt[] {
    return this.receiptLog.filter((receipt) => receipt.from === phone);
  }

  /** How the recipients' phones acknowledge messages: delays in ms, or 'never'; `played` for voice notes only. */
  receiptPolicy(policy: { delivery?: number | 'never'; read?: number | 'never'; played?: number | 'never' }): void {
    const value = (v: number | 'never' | undefined, current: number | null) => (v === undefined ? current : v === 'never' ? null : v);
    this.delays = {
      delivery: value(policy.delivery, this.delays.delivery),
      read: value(policy.read, this.delays.read),
      played: value(policy.played, this.delays.played),
    };
  }

  async waitFor(match: (entry: StanzaLogEntry) => boolean, timeoutMs = 10_000): Promise<StanzaLogEntry> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.stanzas.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`stanza not seen within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    for (const connection of this.connectionSet) connection.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.mediaHost?.stop();
  }

  private existingGroup(jid: string): Group {
    const group = this.groups.get(jid);
    if (!group) throw new Error(`no emulated group ${jid}`);
    return group;
  }

  private accountOf(jid: string | undefined): Account | undefined {
    const [user, server] = (jid ?? '').split('@');
    const bare = user?.split(':')[0] ?? '';
    return server === 'lid' ? this.accountsByLid.get(bare) : server === 's.whatsapp.net' ? this.accountsByPn.get(bare) : undefined;
  }

  /** A w:gp2 notification to each live device of the audience, as the server pushes group changes. */
  private notifyGroup(audience: Account[], group: Group, actor: Account, child: BinaryNode): void {
    for (const connection of this.connectionSet) {
      if (!connection.loggedIn || !connection.account || !audience.includes(connection.account)) continue;
      connection.send({
        tag: 'notification',
        attrs: {
          from: group.jid,
          type: 'w:gp2',
          id: String(randomInt(1_000_000_000, 9_999_999_999)),
          t: String(Math.floor(Date.now() / 1000)),
          ...group.authorAttrs(actor),
          notify: actor.name,
          addressing_mode: group.addressingMode,
        },
        content: [child],
      });
    }
  }

  private buildCertChain(): Buffer {
    const intermediate = generateKeyPair();
    const now = Math.floor(Date.now() / 1000);
    const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
      serial: 1,
      issuerSerial: 0,
      key: intermediate.pub,
      notBefore: now - 60,
      notAfter: now + 86_400,
    }).finish();
    const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
      serial: 2,
      issuerSerial: 1,
      key: this.serverStatic.pub,
      notBefore: now - 60,
      notAfter: now + 86_400,
    }).finish();
    return Buffer.from(
      proto.CertChain.encode({
        intermediate: { details: intermediateDetails, signature: sign(this.root.priv, intermediateDetails) },
        leaf: { details: leafDetails, signature: sign(intermediate.priv, leafDetails) },
      }).finish(),
    );
  }

  private async sendToClient(
    from: Account,
    to: Account,
    message: proto.IMessage,
    options: SendOptions & { type?: string; only?: number; category?: string },
  ): Promise<{ id: string }> {
    const id = messageId();
    // The server keeps a blocked sender's messages from the account: the sender sees one tick.
    if (to.blocked.has(from.pn)) return { id };
    const addressing: Record<string, string> = options.lid
      ? { from: from.lidJid, sender_pn: from.pnJid, addressing_mode: 'lid' }
      : { from: from.pnJid, sender_lid: from.lidJid };
    for (const { deviceId, connection, bundle } of this.liveCompanions(to, options.only)) {
      const encrypted = await from.phone.encrypt({ user: to.lid, device: deviceId }, bundle, message);
      connection.send({
        tag: 'message',
        attrs: { ...addressing, ...this.messageAttrs(id, from, options) },
        content: [{ tag: 'enc', attrs: { v: '2', type: encrypted.type }, content: encrypted.ciphertext }],
      });
    }
    return { id };
  }

  /**
   * A message `from` posts in a group or to status@broadcast (`chat`), as the
   * account `to`'s devices receive it: the sender key's distribution in a
   * pairwise message beside the skmsg, both in one stanza.
   */
  private async sendBroadcastToClient(
    from: Account,
    to: Account,
    chat: string,
    message: proto.IMessage,
    options: { type?: string; id?: string } = {},
  ): Promise<{ id: string }> {
    const id = options.id ?? messageId();
    if (to.blocked.has(from.pn)) return { id };
    const group = this.groups.get(chat);
    // A group names the sender its way and says which; a status post names it by number.
    const author: Record<string, string> = group ? { ...group.authorAttrs(from), addressing_mode: group.addressingMode } : { participant: from.pnJid, participant_lid: from.lidJid };
    const { ciphertext, distribution } = await from.phone.encryptGroup(chat, { user: from.lid, device: 0 }, message);
    const keyMessage = { senderKeyDistributionMessage: { groupId: chat, axolotlSenderKeyDistributionMessage: distribution } };
    for (const { deviceId, connection, bundle } of this.liveCompanions(to)) {
      const pairwise = await from.phone.encrypt({ user: to.lid, device: deviceId }, bundle, keyMessage);
      connection.send({
        tag: 'message',
        attrs: { from: chat, ...author, ...this.messageAttrs(id, from, options) },
        content: [
          { tag: 'enc', attrs: { v: '2', type: pairwise.type }, content: pairwise.ciphertext },
          { tag: 'enc', attrs: { v: '2', type: 'skmsg' }, content: ciphertext },
        ],
      });
    }
    return { id };
  }

  /** A change made on the phone: a patch with the shared key, then a server_sync to every live device. */
  private async phoneAppChange(phone: string, mod: ChatModification, jid: string): Promise<void> {
    const account = this.account(phone);
    const { name, version } = await account.appState.phoneChange(mod, jid);
    this.notifyAppState(account, name, version);
  }

  /** server_sync: a collection changed; each live device of the account but the uploader resyncs it. */
  private notifyAppState(account: Account, name: string, version: number, except?: Connection): void {
    for (const connection of this.connectionSet) {
      if (!connection.loggedIn || connection.account !== account || connection === except) continue;
      connection.send({
        tag: 'notification',
        attrs: { from: S_WHATSAPP_NET, type: 'server_sync', id: messageId(), t: String(Math.floor(Date.now() / 1000)) },
        content: [{ tag: 'collection', attrs: { name, version: String(version) } }],
      });
    }
  }

  /** The phone hands a new companion the key its app state patches are encrypted with. */
  private async shareAppStateKey(account: Account, deviceId: number): Promise<void> {
    const { id, data } = account.appState.key;
    const protocolMessage: proto.Message.IProtocolMessage = {
      type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
      appStateSyncKeyShare: { keys: [{ keyId: { keyId: id }, keyData: data }] },
    };
    await this.sendToClient(account, account, { protocolMessage }, { only: deviceId, category: 'peer', type: 'protocol' });
  }

  private messageAttrs(id: string, from: Account, options: { type?: string; category?: string }): Record<string, string> {
    return {
      id,
      t: String(Math.floor(Date.now() / 1000)),
      type: options.type ?? 'text',
      notify: from.pushName ?? from.name,
      ...(options.category ? { category: options.category } : {}),
    };
  }

  /** The account's logged-in companions, each with the prekey bundle a sender starts a session from. */
  private liveCompanions(to: Account, only?: number): { deviceId: number; connection: Connection; bundle: Bundle }[] {
    const live: { deviceId: number; connection: Connection; bundle: Bundle }[] = [];
    for (const [deviceId, companion] of to.companions) {
      if (only && only !== deviceId) continue;
      const connection = [...this.connectionSet].find((c) => c.loggedIn && c.account === to && c.deviceId === deviceId);
      if (!connection) continue;
      const preKey = [...companion.preKeys.entries()][0];
      if (preKey) companion.preKeys.delete(preKey[0]);
      const prefixed = (pub: Buffer) => Buffer.concat([Buffer.from([5]), pub]);
      const bundle: Bundle = {
        registrationId: companion.registrationId,
        identityKey: prefixed(companion.identity),
        signedPreKey: { keyId: companion.signedPreKeyId, publicKey: prefixed(companion.signedPreKeyPub), signature: companion.signedPreKeySignature },
        ...(preKey ? { preKey: { keyId: preKey[0], publicKey: prefixed(preKey[1]) } } : {}),
      };
      live.push({ deviceId, connection, bundle });
    }
    return live;
  }

  /** What the phone pushes to a newly linked companion: its history, or an empty inline bootstrap. */
  private async sendHistorySync(account: Account, deviceId: number): Promise<void> {
    const history = account.history;
    if (!history || !this.mediaHost) {
      const syncType = proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP;
      const payload = deflateSync(proto.HistorySync.encode({ syncType, conversations: [], pushnames: [] }).finish());
      await this.sendHistoryNotification(account, deviceId, { syncType, chunkOrder: 0, progress: 100, initialHistBootstrapInlinePayload: payload });
      return;
    }
    const mediaHost = this.mediaHost;
    const chunks = historyChunks(history, {
      now: Math.floor(Date.now() / 1000),
      fullSync: account.companions.get(deviceId)?.requireFullSync ?? false,
      sealImage: (bytes) => mediaHost.seal(bytes, 'image'),
    });
    for (const chunk of chunks) {
      const syncType = proto.HistorySync.HistorySyncType[chunk.syncType ?? 0] as keyof typeof proto.HistorySync.HistorySyncType;
      this.historySyncs.push({ phone: account.pn, deviceId, syncType });
      // The notification names the blob by its path only; WhatsApp sends no URL.
      const { directPath, mediaKey, fileSha256, fileEncSha256, fileLength } = mediaHost.seal(
        deflateSync(proto.HistorySync.encode(chunk).finish()),
        'history',
      );
      await this.sendHistoryNotification(account, deviceId, {
        directPath,
        mediaKey,
        fileSha256,
        fileEncSha256,
        fileLength,
        syncType: chunk.syncType,
        chunkOrder: chunk.chunkOrder,
        progress: chunk.progress,
      });
    }
  }

  private async sendHistoryNotification(account: Account, deviceId: number, notification: proto.Message.IHistorySyncNotification): Promise<void> {
    await this.sendToClient(
      account,
      account,
      { protocolMessage: { type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION, historySyncNotification: notification } },
      { only: deviceId, category: 'peer' },
    );
  }

  private state(): ServerState {
    return {
      noise: { serverStatic: this.serverStatic, certChain: this.certChain },
      accountByPn: (pn) => this.accountsByPn.get(pn),
      accountByLid: (lid) => this.accountsByLid.get(lid),
      pendingRefs: this.pendingRefs,
      media: this.mediaHost ? { hostname: this.mediaHost.hostname, auth: this.mediaHost.auth } : null,
      historySync: this.options.historySync !== false,
      receiptDelays: () => this.delays,
      log: (line) => {
        if (this.options.log) console.log(`[emulator] ${line}`);
      },
      record: (entry) => this.stanzas.push(entry),
      delivered: (message) => {
        // The copy a client sends its own phone is bookkeeping, not a delivery.
        if (!message.message.deviceSentMessage || message.to !== message.from.split('@')[0]) this.received.push(message);
      },
      // A group message reaches the group's members; a status post those it was keyed to.
      broadcastRecipients: (to, _sender, keyed) => {
        const group = to.endsWith('@g.us') ? this.groups.get(to) : undefined;
        return group ? [...group.members.keys()] : to.endsWith('@g.us') ? [] : keyed;
      },
      groups: this.groups,
      unknownIq: (xmlns, child) => this.failedIqs.push({ xmlns, child }),
      pairingCodeRequested: (phone) => this.pairingCodeRequests.push({ phone }),
      callRejected: (rejection) => this.rejections.push(rejection),
      callOffered: (offer) => this.offers.push(offer),
      callTerminated: (callId) => {
        const offer = this.offers.find((o) => o.callId === callId && o.endedAt === null);
        if (offer) offer.endedAt = Date.now();
      },
      receiptSent: (receipt) => this.receiptLog.push(receipt),
      chatState: (state) => this.chatStateLog.push(state),
      sendHistorySync: (account, deviceId) => this.sendHistorySync(account, deviceId),
      shareAppStateKey: (account, deviceId) => this.shareAppStateKey(account, deviceId),
      appStateChanged: (account, name, version, from) => this.notifyAppState(account, name, version, from),
      hostAppStateSnapshot: (snapshot) => {
        if (!this.mediaHost) return null;
        this.appStateSnapshots += 1;
        const { directPath, mediaKey, fileSha256, fileEncSha256, fileLength } = this.mediaHost.seal(snapshot, 'app-state');
        return { directPath, mediaKey, fileSha256, fileEncSha256, fileSizeBytes: fileLength };
      },
      profilePictureSet: (account, jpeg) => {
        this.setProfilePicture(account.pn, this.mediaHost ? { bytes: jpeg } : { url: `https://pps.whatsapp.net/${account.pn}/${Date.now()}.jpg` });
      },
    };
  }
}
