// Groups in the loopback WhatsApp emulator, driven by the real Baileys client
// in this process: the w:g2 IQs it sends, the w:gp2 notifications it turns
// into group events, and group messages both ways under sender keys.
import makeWASocket, {
  Browsers,
  DisconnectReason,
  downloadMediaMessage,
  WA_CERT_DETAILS,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import QRCode from 'qrcode';
import { eventually } from './support/eventually.js';
import { memoryAuth } from './support/memory-auth.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550101000';
const ALICE = '15550101001';
const BOB = '15550101002';
const CAROL = '15550101003';
const PRIVATE = '15550101004';

interface Client {
  socket: WASocket;
  updates: Partial<ConnectionState>[];
  messages: WAMessage[];
  upserts: BaileysEventMap['groups.upsert'];
  groupUpdates: BaileysEventMap['groups.update'];
  participantUpdates: BaileysEventMap['group-participants.update'][];
  closed: Promise<number | undefined>;
}

function connect(wa: WaEmulator, auth: AuthenticationState): Client {
  const socket = makeWASocket({
    waWebSocketUrl: wa.url,
    auth,
    logger: pino({ level: 'silent' }),
    browser: Browsers.ubuntu('Chrome'),
    connectTimeoutMs: 5_000,
    defaultQueryTimeoutMs: 5_000,
    markOnlineOnConnect: false,
  });
  const client: Client = { socket, updates: [], messages: [], upserts: [], groupUpdates: [], participantUpdates: [], closed: Promise.resolve(undefined) };
  client.closed = new Promise((resolve) => {
    socket.ev.on('connection.update', (update) => {
      client.updates.push(update);
      if (update.connection === 'close') resolve((update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode);
    });
  });
  socket.ev.on('creds.update', (creds) => Object.assign(auth.creds, creds));
  socket.ev.on('messages.upsert', ({ messages }) => client.messages.push(...messages));
  socket.ev.on('groups.upsert', (groups) => client.upserts.push(...groups));
  socket.ev.on('groups.update', (updates) => client.groupUpdates.push(...updates));
  socket.ev.on('group-participants.update', (update) => client.participantUpdates.push(update));
  return client;
}

const opened = (client: Client) => client.updates.some((u) => u.connection === 'open');
const firstQr = (client: Client) => client.updates.find((u) => u.qr)?.qr;
const jid = (pn: string) => `${pn}@s.whatsapp.net`;

/** WhatsApp's error code, as Baileys' Boom carries it (in `data` for an IQ error). */
async function refusal(action: Promise<unknown>): Promise<number | undefined> {
  try {
    await action;
  } catch (error) {
    const boom = error as { data?: unknown; output?: { statusCode?: number } };
    return typeof boom.data === 'number' ? boom.data : boom.output?.statusCode;
  }
  throw new Error('expected WhatsApp to refuse');
}

describe('WhatsApp emulator groups with the real Baileys client', function () {
  this.timeout(30_000);
  let wa: WaEmulator;
  let client: Client;

  before(async () => {
    wa = await WaEmulator.start();
    (WA_CERT_DETAILS as { PUBLIC_KEY: Buffer }).PUBLIC_KEY = wa.rootPublicKey;
    for (const [pn, name] of [[ALICE, 'Alice'], [BOB, 'Bob'], [CAROL, 'Carol'], [PRIVATE, 'Private']]) wa.addContact(pn, name);
    wa.account(PRIVATE).privacy.set('groupadd', 'none');
    const auth = memoryAuth();
    const first = connect(wa, auth);
    await eventually(() => Boolean(firstQr(first)), 5_000, 'a QR');
    await wa.scanQr(firstQr(first)!, { phone: OWNER });
    expect(await first.closed).to.equal(DisconnectReason.restartRequired);
    client = connect(wa, auth);
    await eventually(() => opened(client), 5_000, 'open');
  });

  after(async () => {
    client?.socket.end(undefined);
    await wa?.stop();
  });

  it('creates a group: the server holds it, the response and the notification describe it', async () => {
    const metadata = await client.socket.groupCreate('Team', [jid(ALICE), jid(BOB)]);
    expect(metadata.id).to.match(/^120363\d{12}@g\.us$/);
    expect(metadata.subject).to.equal('Team');
    expect(metadata.owner).to.equal(jid(OWNER));
    expect(metadata.participants.map((p) => [p.id, p.admin])).to.deep.equal([
      [jid(OWNER), 'superadmin'],
      [jid(ALICE), null],
      [jid(BOB), null],
    ]);
    const state = wa.group(metadata.id);
    expect(state.members).to.deep.equal([OWNER, ALICE, BOB]);
    expect(state.superadmin).to.equal(OWNER);
    await eventually(() => client.upserts.some((g) => g.id === metadata.id), 5_000, 'groups.upsert');
  });

  it('sends a group text every member decrypts under the sender key, twice with one key', async () => {
    const group = await client.socket.groupCreate('Chat', [jid(ALICE), jid(BOB)]);
    const first = await client.socket.sendMessage(group.id, { text: 'hello group' });
    const second = await client.socket.sendMessage(group.id, { text: 'second' });
    for (const member of [ALICE, BOB]) {
      const one = await wa.nextMessage(member, 5_000, group.id);
      const two = await wa.nextMessage(member, 5_000, group.id);
      expect([one.id, two.id]).to.deep.equal([first?.key.id, second?.key.id]);
      expect(one.message.extendedTextMessage?.text ?? one.message.conversation).to.equal('hello group');
    }
  });

  it('fans a group message out to the members only: one removed no longer gets them', async () => {
    const group = await client.socket.groupCreate('Shrinking', [jid(ALICE), jid(BOB)]);
    await client.socket.sendMessage(group.id, { text: 'before' });
    for (const member of [ALICE, BOB]) await wa.nextMessage(member, 5_000, group.id);
    await client.socket.groupParticipantsUpdate(group.id, [jid(BOB)], 'remove');
    const after = await client.socket.sendMessage(group.id, { text: 'after' });
    expect((await wa.nextMessage(ALICE, 5_000, group.id)).id).to.equal(after?.key.id);
    expect(wa.receivedMessages(BOB).some((m) => m.id === after?.key.id)).to.equal(false);
  });

  it('delivers a member’s group message with its sender as participant', async () => {
    const group = wa.createGroup(ALICE, 'From Alice', [OWNER, BOB]);
    await eventually(() => client.upserts.some((g) => g.id === group), 5_000, 'groups.upsert of a group made by someone else');
    const sent = await wa.sendGroupTextToClient(ALICE, group, 'hi all');
    await eventually(() => client.messages.some((m) => m.key.id === sent.id), 5_000, 'the group message');
    const received = client.messages.find((m) => m.key.id === sent.id)!;
    expect(received.key.remoteJid).to.equal(group);
    expect(received.key.participant).to.equal(jid(ALICE));
    expect(received.message?.conversation).to.equal('hi all');
  });

  it('delivers a member’s group image Baileys downloads', async () => {
    const group = wa.createGroup(BOB, 'Photos', [OWNER, ALICE]);
    const bytes = randomBytes(20_000);
    const sent = await wa.sendGroupMediaToClient(BOB, group, { kind: 'image', bytes, mimetype: 'image/jpeg', caption: 'view' });
    await eventually(() => client.messages.some((m) => m.key.id === sent.id), 5_000, 'the group image');
    const received = client.messages.find((m) => m.key.id === sent.id)!;
    expect(received.message?.imageMessage?.caption).to.equal('view');
    expect((await downloadMediaMessage(received, 'buffer', {})).equals(bytes)).to.equal(true);
  });

  it('tells the account it was added by a member, and lets it send to the group then', async () => {
    const group = wa.createGroup(CAROL, 'Later', [ALICE]);
    expect(wa.changeGroupParticipants(CAROL, group, 'add', [OWNER])).to.deep.equal([{ pn: OWNER, code: 200 }]);
    await eventually(() => client.participantUpdates.some((u) => u.id === group && u.action === 'add'), 5_000, 'added');
    const update = client.participantUpdates.find((u) => u.id === group && u.action === 'add')!;
    expect([update.author, update.participants.map((p) => p.id)]).to.deep.equal([jid(CAROL), [jid(OWNER)]]);
    const sent = await client.socket.sendMessage(group, { text: 'thanks for adding me' });
    for (const member of [CAROL, ALICE]) expect((await wa.nextMessage(member, 5_000, group)).id).to.equal(sent?.key.id);
  });

  it('changes subject, description, settings and timer, each announced as groups.update', async () => {
    const group = await client.socket.groupCreate('Before', [jid(ALICE)]);
    await client.socket.groupUpdateSubject(group.id, 'After');
    await client.socket.groupUpdateDescription(group.id, 'About us');
    await client.socket.groupSettingUpdate(group.id, 'announcement');
    await client.socket.groupSettingUpdate(group.id, 'locked');
    await client.socket.groupToggleEphemeral(group.id, 86_400);
    const state = wa.group(group.id);
    expect([state.subject, state.description, state.announce, state.locked, state.ephemeral]).to.deep.equal(['After', 'About us', true, true, 86_400]);
    await eventually(() => client.groupUpdates.some((u) => u.id === group.id && u.restrict === true), 5_000, 'restrict update');
    const updates = client.groupUpdates.filter((u) => u.id === group.id);
    expect(updates.find((u) => u.subject)?.subject).to.equal('After');
    expect(updates.find((u) => u.desc)?.desc).to.equal('About us');
    expect(updates.some((u) => u.announce === true)).to.equal(true);
    const metadata = await client.socket.groupMetadata(group.id);
    expect([metadata.subject, metadata.desc, metadata.announce, metadata.restrict, metadata.ephemeralDuration]).to.deep.equal(['After', 'About us', true, true, 86_400]);
  });

  it('adds, promotes, demotes and removes with WhatsApp’s per-participant codes', async () => {
    const group = await client.socket.groupCreate('Members', [jid(ALICE)]);
    const added = await client.socket.groupParticipantsUpdate(group.id, [jid(BOB), jid(PRIVATE), jid(ALICE)], 'add');
    expect(added.map((r) => [r.jid, r.status])).to.deep.equal([
      [jid(BOB), '200'],
      [jid(PRIVATE), '403'],
      [jid(ALICE), '409'],
    ]);
    await client.socket.groupParticipantsUpdate(group.id, [jid(BOB)], 'promote');
    expect(wa.group(group.id).admins).to.deep.equal([OWNER, BOB]);
    await client.socket.groupParticipantsUpdate(group.id, [jid(BOB)], 'demote');
    const removed = await client.socket.groupParticipantsUpdate(group.id, [jid(ALICE), jid(CAROL)], 'remove');
    expect(removed.map((r) => r.status)).to.deep.equal(['200', '404']);
    expect(wa.group(group.id).members).to.deep.equal([OWNER, BOB]);
    await eventually(() => client.participantUpdates.filter((u) => u.id === group.id).length === 4, 5_000, 'four participant updates');
    const actions = client.participantUpdates.filter((u) => u.id === group.id).map((u) => [u.action, u.participants.map((p) => p.id)]);
    expect(actions).to.deep.equal([
      ['add', [jid(BOB)]],
      ['promote', [jid(BOB)]],
      ['demote', [jid(BOB)]],
      ['remove', [jid(ALICE)]],
    ]);
  });

  it('refuses what a plain member may not do, with WhatsApp’s codes', async () => {
    const group = wa.createGroup(ALICE, 'Alice rules', [OWNER]);
    await eventually(() => client.upserts.some((g) => g.id === group), 5_000, 'groups.upsert');
    expect(await refusal(client.socket.groupParticipantsUpdate(group, [jid(BOB)], 'add'))).to.equal(401);
    expect(await refusal(client.socket.groupInviteCode(group))).to.equal(401);
    expect(await refusal(client.socket.groupMetadata('120363000000000000@g.us'))).to.equal(404);
    expect(await refusal(client.socket.groupUpdateSubject(group, 'x'.repeat(101)))).to.equal(406);
    wa.changeGroupParticipants(ALICE, group, 'remove', [OWNER]);
    expect(await refusal(client.socket.groupMetadata(group))).to.equal(403);
  });

  it('shares, revokes and accepts invite codes, and leaves', async () => {
    const group = await client.socket.groupCreate('Invites', [jid(ALICE)]);
    const code = await client.socket.groupInviteCode(group.id);
    expect(code).to.match(/^[A-Za-z0-9]{22}$/);
    const info = await client.socket.groupGetInviteInfo(code!);
    expect([info.id, info.subject, info.size]).to.deep.equal([group.id, 'Invites', 2]);
    const revoked = await client.socket.groupRevokeInvite(group.id);
    expect(revoked).to.not.equal(code);
    expect(await refusal(client.socket.groupGetInviteInfo(code!))).to.equal(410);

    const other = wa.createGroup(BOB, 'Join me', [CAROL]);
    const joined = await client.socket.groupAcceptInvite(wa.group(other).inviteCode);
    expect(joined).to.equal(other);
    expect(wa.group(other).members).to.deep.equal([BOB, CAROL, OWNER]);
    await client.socket.groupLeave(other);
    expect(wa.group(other).members).to.deep.equal([BOB, CAROL]);
    const all = await client.socket.groupFetchAllParticipating();
    expect(Object.keys(all)).to.include(group.id).and.not.include(other);
  });

  it('sets a group picture members can read, and refuses it to a plain member of a locked group', async () => {
    const group = await client.socket.groupCreate('Picture', [jid(ALICE)]);
    expect(await refusal(client.socket.profilePictureUrl(group.id, 'image'))).to.equal(404);
    await client.socket.updateProfilePicture(group.id, await QRCode.toBuffer('group face'));
    const url = wa.group(group.id).pictureUrl;
    expect(url).to.be.a('string');
    expect(await client.socket.profilePictureUrl(group.id, 'image')).to.equal(url);
    const locked = wa.createGroup(ALICE, 'Locked', [OWNER]);
    await client.socket.groupSettingUpdate(locked, 'locked').catch(() => undefined);
    expect(wa.group(locked).locked).to.equal(false);
    wa.changeGroupParticipants(ALICE, locked, 'promote', [OWNER]);
    await client.socket.groupSettingUpdate(locked, 'locked');
    wa.changeGroupParticipants(ALICE, locked, 'demote', [OWNER]);
    expect(await refusal(client.socket.updateProfilePicture(locked, await QRCode.toBuffer('not mine')))).to.equal(403);
  });

  describe('addressed by LID', () => {
    const lid = (pn: string) => wa.account(pn).lidJid;

    it('describes a LID group with each member’s LID and phone number', async () => {
      const group = wa.createGroup(ALICE, 'By LID', [OWNER, BOB], { addressing: 'lid' });
      await eventually(() => client.upserts.some((g) => g.id === group), 5_000, 'groups.upsert of a LID group');
      const upserted = client.upserts.find((g) => g.id === group)!;
      expect([upserted.addressingMode, upserted.owner, upserted.ownerPn]).to.deep.equal(['lid', lid(ALICE), jid(ALICE)]);
      const metadata = await client.socket.groupMetadata(group);
      expect([metadata.addressingMode, metadata.owner, metadata.ownerPn, metadata.subjectOwnerPn]).to.deep.equal(['lid', lid(ALICE), jid(ALICE), jid(ALICE)]);
      expect(metadata.participants.map((p) => [p.id, p.phoneNumber, p.admin])).to.deep.equal([
        [lid(ALICE), jid(ALICE), 'superadmin'],
        [lid(OWNER), jid(OWNER), null],
        [lid(BOB), jid(BOB), null],
      ]);
      const listed = (await client.socket.groupFetchAllParticipating())[group];
      expect(listed?.participants.map((p) => p.phoneNumber)).to.deep.equal([jid(ALICE), jid(OWNER), jid(BOB)]);
    });

    it('delivers a member’s message with the LID as participant and the phone number as participantAlt', async () => {
      const group = wa.createGroup(ALICE, 'LID talk', [OWNER, BOB], { addressing: 'lid' });
      const sent = await wa.sendGroupTextToClient(BOB, group, 'hi by lid');
      await eventually(() => client.messages.some((m) => m.key.id === sent.id), 5_000, 'the LID group message');
      const received = client.messages.find((m) => m.key.id === sent.id)!;
      expect(received.key).to.deep.include({ remoteJid: group, participant: lid(BOB), participantAlt: jid(BOB), addressingMode: 'lid' });
      expect(received.message?.conversation).to.equal('hi by lid');
    });

    it('sends to a LID group: the sender key goes to the members’ LID devices and every member’s phone decrypts it', async () => {
      const group = wa.createGroup(BOB, 'LID replies', [OWNER, ALICE, CAROL], { addressing: 'lid' });
      const sent = await client.socket.sendMessage(group, { text: 'to everyone by lid' });
      for (const member of [BOB, ALICE, CAROL]) {
        const received = await wa.nextMessage(member, 5_000, group);
        expect(received.id).to.equal(sent?.key.id);
        expect(received.message.extendedTextMessage?.text ?? received.message.conversation).to.equal('to everyone by lid');
      }
      const stanza = wa.stanzas.find((s) => s.dir === 'in' && s.node.tag === 'message' && s.node.attrs.id === sent?.key.id)!;
      expect(stanza.node.attrs.addressing_mode).to.equal('lid');
      const to = (Array.isArray(stanza.node.content) ? stanza.node.content : [])
        .filter((n) => n.tag === 'participants')
        .flatMap((n) => (Array.isArray(n.content) ? n.content : []))
        .map((n) => n.attrs.jid);
      expect(to).to.include.members([lid(BOB), lid(ALICE), lid(CAROL)]);
      expect(to.every((jidTo) => jidTo.endsWith('@lid'))).to.equal(true);
    });

    it('creates a LID group when WhatsApp makes them so, and names changed members by LID with their phone number', async () => {
      wa.groupAddressing = 'lid';
      try {
        const created = await client.socket.groupCreate('New kind', [jid(ALICE)]);
        expect(created.addressingMode).to.equal('lid');
        expect(created.participants.map((p) => [p.id, p.phoneNumber])).to.deep.equal([
          [lid(OWNER), jid(OWNER)],
          [lid(ALICE), jid(ALICE)],
        ]);
        const added = await client.socket.groupParticipantsUpdate(created.id, [jid(CAROL)], 'add');
        expect(added.map((r) => [r.jid, r.status, r.content.attrs.phone_number])).to.deep.equal([[lid(CAROL), '200', jid(CAROL)]]);
        await eventually(() => client.participantUpdates.some((u) => u.id === created.id && u.action === 'add'), 5_000, 'the add');
        const update = client.participantUpdates.find((u) => u.id === created.id && u.action === 'add')!;
        expect(update.author).to.equal(lid(OWNER));
        expect(update.participants.map((p) => [p.id, p.phoneNumber])).to.deep.equal([[lid(CAROL), jid(CAROL)]]);
        const sent = await client.socket.sendMessage(created.id, { text: 'welcome carol' });
        for (const member of [ALICE, CAROL]) expect((await wa.nextMessage(member, 5_000, created.id)).id).to.equal(sent?.key.id);
      } finally {
        wa.groupAddressing = 'pn';
      }
    });
  });
});
