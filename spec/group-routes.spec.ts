// The /group routes and group messages through the gateway, against the
// emulator's groups: what a user sees is the HTTP answer, the group as the
// emulated phones hold it, the message on their phones and the webhook events.
// Groups addressed by LID name their members by LID: what the user sees
// carries the phone number beside it, as Evolution API passes it on.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { testDatabase } from './support/test-database.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const NAME = 'groups';
const OWNER = '15550201000';
const ALICE = '15550201001';
const BOB = '15550201002';
const CAROL = '15550201003';
const PRIVATE = '15550201004';
const DAVE = '15550201005';
const NOT_ON_WHATSAPP = '15550201099';
const jid = (pn: string) => `${pn}@s.whatsapp.net`;

interface Participant {
  id: string;
  admin: string | null;
  phoneNumber?: string;
}

interface Upserted {
  key: { id: string; remoteJid: string; fromMe: boolean; participant?: string; participantAlt?: string };
  message: Record<string, unknown>;
}

describe(`group routes through the emulator (${testDatabase})`, function () {
  this.timeout(90_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let receiver: WebhookReceiver;

  const eventsOf = (event: string) =>
    receiver.accepted.filter((r) => r.body.instance === NAME && r.body.event === event).map((r) => r.body.data as unknown);
  const path = (route: string, groupJid?: string) => `/group/${route}/${NAME}${groupJid ? `?groupJid=${encodeURIComponent(groupJid)}` : ''}`;
  const upsertOf = (id: string) => (eventsOf('messages.upsert') as Upserted[]).find((d) => d.key.id === id);
  const lid = (pn: string) => wa.account(pn).lidJid;

  /** With groupsIgnore, a member's message in the group raises no messages.upsert; a chat message after it does. */
  async function ignoredWithGroupsIgnore(member: string, groupJid: string): Promise<void> {
    expect((await api.post(`/settings/set/${NAME}`, { groupsIgnore: true })).status).to.equal(201);
    try {
      const ignored = await wa.sendGroupTextToClient(member, groupJid, 'not for the webhook');
      const marker = await wa.sendTextToClient(member, OWNER, 'marker after the ignored one');
      await eventually(() => upsertOf(marker.id) !== undefined, 10_000, 'the marker');
      expect(upsertOf(ignored.id)).to.equal(undefined);
    } finally {
      expect((await api.post(`/settings/set/${NAME}`, { groupsIgnore: false })).status).to.equal(201);
    }
  }

  /** A group the instance's account created with ALICE and BOB. */
  async function ownGroup(subject: string, members = [ALICE, BOB]): Promise<string> {
    const res = await api.post(path('create'), { subject, participants: members });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id as string;
  }

  before(async () => {
    wa = await WaEmulator.start();
    receiver = await WebhookReceiver.start();
    gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), OUTBOX_POLL_MS: '50' } });
    api = gateway.api();
    for (const [pn, name] of [[ALICE, 'Alice'], [BOB, 'Bob'], [CAROL, 'Carol'], [PRIVATE, 'Pat Private'], [DAVE, 'Dave']]) wa.addContact(pn, name);
    wa.account(PRIVATE).privacy.set('groupadd', 'none');
    await createPaired(api, wa, NAME, OWNER, { webhook: { enabled: true, url: `${receiver.url}/hook`, events: [] } });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log('LOGS', gateway.logs.slice(-30).map((l) => JSON.stringify(l)).join('\n'));
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await receiver?.stop();
  });

  describe('create', () => {
    it('creates the group with the numbers on WhatsApp, in Evolution’s shape, and reports groups.upsert', async () => {
      const res = await api.post(path('create'), { subject: 'Project', participants: [ALICE, BOB, NOT_ON_WHATSAPP], description: 'Plans and dates' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const groupJid = res.body.id as string;
      expect(groupJid).to.match(/^\d{18}@g\.us$/);
      expect(res.body).to.include({ subject: 'Project', owner: jid(OWNER), desc: 'Plans and dates', size: 3, restrict: false, announce: false });
      expect(res.body.participants).to.deep.equal([
        { id: jid(OWNER), admin: 'superadmin', lid: res.body.participants[0].lid },
        { id: jid(ALICE), admin: null, lid: res.body.participants[1].lid },
        { id: jid(BOB), admin: null, lid: res.body.participants[2].lid },
      ]);
      const group = wa.group(groupJid);
      expect(group.members).to.deep.equal([OWNER, ALICE, BOB]);
      expect(group.superadmin).to.equal(OWNER);
      expect(group.description).to.equal('Plans and dates');
      await eventually(() => eventsOf('groups.upsert').some((d) => (d as { id: string }[])[0]?.id === groupJid), 10_000, 'groups.upsert');
    });

    it('promotes the participants when asked', async () => {
      const res = await api.post(path('create'), { subject: 'Admins all', participants: [ALICE], promoteParticipants: true });
      expect(res.status).to.equal(201);
      expect(wa.group(res.body.id).admins).to.deep.equal([OWNER, ALICE]);
    });

    it('refuses a body without subject or participants', async () => {
      expect((await api.post(path('create'), { participants: [ALICE] })).status).to.equal(400);
      expect((await api.post(path('create'), { subject: 'x', participants: [] })).status).to.equal(400);
      expect((await api.post(path('create'), { subject: 'x'.repeat(101), participants: [ALICE] })).status).to.equal(400);
    });
  });

  describe('group messages', () => {
    let groupJid: string;
    before(async () => {
      groupJid = await ownGroup('Messages');
    });

    it('a text to the group arrives decrypted at every member', async () => {
      const res = await api.post(`/message/sendText/${NAME}`, { number: groupJid, text: 'hello team' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.key).to.deep.include({ remoteJid: groupJid, fromMe: true });
      for (const member of [ALICE, BOB]) {
        const received = await wa.nextMessage(member, 10_000, groupJid);
        expect(received.id).to.equal(res.body.key.id);
        expect(received.message.extendedTextMessage?.text ?? received.message.conversation).to.equal('hello team');
      }
    });

    it('mentionsEveryOne mentions every participant', async () => {
      const res = await api.post(`/message/sendText/${NAME}`, { number: groupJid, text: 'all hands', mentionsEveryOne: true });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(ALICE, 10_000, groupJid);
      expect(received.message.extendedTextMessage?.contextInfo?.mentionedJid).to.have.members([jid(OWNER), jid(ALICE), jid(BOB)]);
      await wa.nextMessage(BOB, 10_000, groupJid);
    });

    it('every /message/send* route reaches the group', async () => {
      const png = await QRCode.toBuffer('group picture');
      const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), randomBytes(2000)]);
      const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(500)]);
      const ogg = Buffer.concat([Buffer.from('OggS'), randomBytes(1500)]);
      const sends: [string, Record<string, unknown>, string][] = [
        ['sendMedia', { mediatype: 'image', media: png.toString('base64'), caption: 'look' }, 'imageMessage'],
        ['sendWhatsAppAudio', { audio: ogg.toString('base64') }, 'audioMessage'],
        ['sendSticker', { sticker: webp.toString('base64') }, 'stickerMessage'],
        ['sendPtv', { video: mp4.toString('base64') }, 'ptvMessage'],
        ['sendLocation', { latitude: 1.5, longitude: 2.5, name: 'Here' }, 'locationMessage'],
        ['sendContact', { contact: [{ fullName: 'Dave', phoneNumber: DAVE }] }, 'contactMessage'],
        ['sendPoll', { name: 'Lunch?', values: ['yes', 'no'], selectableCount: 1 }, 'pollCreationMessage'],
        ['sendList', { title: 'Menu', buttonText: 'See', sections: [{ title: 'A', rows: [{ title: 'x', rowId: 'x1' }] }] }, 'listMessage'],
        ['sendButtons', { title: 'Pick', buttons: [{ type: 'reply', displayText: 'Yes', id: 'y' }] }, 'viewOnceMessage'],
      ];
      for (const [route, body, field] of sends) {
        const res = await api.post(`/message/${route}/${NAME}`, { number: groupJid, ...body });
        expect(res.status, `${route}: ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(201);
        for (const member of [ALICE, BOB]) {
          const received = await wa.nextMessage(member, 10_000, groupJid);
          expect(received.id, route).to.equal(res.body.key.id);
          const fields = Object.keys(received.message).filter((key) => received.message[key as keyof typeof received.message] != null);
          expect(fields, route).to.include(field === 'pollCreationMessage' ? fields.find((f) => f.startsWith('pollCreationMessage')) : field);
        }
      }
      const reaction = await api.post(`/message/sendReaction/${NAME}`, { key: { id: 'ABCDEF0123456789', remoteJid: groupJid, fromMe: false, participant: jid(ALICE) }, reaction: '👍' });
      expect(reaction.status, JSON.stringify(reaction.body)).to.equal(201);
      expect((await wa.nextMessage(BOB, 10_000, groupJid)).message.reactionMessage?.text).to.equal('👍');
      await wa.nextMessage(ALICE, 10_000, groupJid);
    });

    it('a member’s message reaches the webhook with key.participant (and its LID as participantAlt); with groupsIgnore it does not', async () => {
      const sent = await wa.sendGroupTextToClient(ALICE, groupJid, 'from alice');
      await eventually(() => upsertOf(sent.id) !== undefined, 10_000, 'the group message at the webhook');
      expect(upsertOf(sent.id)!.key).to.deep.include({ remoteJid: groupJid, fromMe: false, participant: jid(ALICE), participantAlt: lid(ALICE) });
      expect(upsertOf(sent.id)!.message.conversation).to.equal('from alice');
      await ignoredWithGroupsIgnore(ALICE, groupJid);
    });
  });

  describe('subject, description, picture, settings and timer', () => {
    let groupJid: string;
    before(async () => {
      groupJid = await ownGroup('Info');
    });

    it('updateGroupSubject changes it on WhatsApp and reports group.update', async () => {
      const res = await api.post(path('updateGroupSubject', groupJid), { subject: 'New subject' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.deep.equal({ update: 'success' });
      expect(wa.group(groupJid).subject).to.equal('New subject');
      await eventually(() => eventsOf('group.update').some((d) => (d as { id: string; subject?: string }[]).some((u) => u.id === groupJid && u.subject === 'New subject')), 10_000, 'group.update');
    });

    it('takes the group id in the body, or without its @g.us', async () => {
      expect((await api.post(path('updateGroupSubject'), { groupJid, subject: 'By body' })).status).to.equal(201);
      expect(wa.group(groupJid).subject).to.equal('By body');
      expect((await api.post(path('updateGroupSubject', groupJid.split('@')[0]), { subject: 'Bare id' })).status).to.equal(201);
      expect(wa.group(groupJid).subject).to.equal('Bare id');
    });

    it('updateGroupDescription changes it and reports group.update', async () => {
      const res = await api.post(path('updateGroupDescription', groupJid), { description: 'What we do' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(wa.group(groupJid).description).to.equal('What we do');
      await eventually(() => eventsOf('group.update').some((d) => (d as { desc?: string }[]).some((u) => u.desc === 'What we do')), 10_000, 'group.update desc');
    });

    it('updateGroupPicture sets the picture findGroupInfos then shows', async () => {
      const png = await QRCode.toBuffer('group face');
      const res = await api.post(path('updateGroupPicture', groupJid), { image: png.toString('base64') });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const url = wa.group(groupJid).pictureUrl;
      expect(url).to.be.a('string');
      expect((await api.get(path('findGroupInfos', groupJid))).body.pictureUrl).to.equal(url);
      const notImage = await api.post(path('updateGroupPicture', groupJid), { image: Buffer.from('plain words').toString('base64') });
      expect(notImage.status).to.equal(400);
    });

    it('updateSetting switches announcement and locked, reported as group.update', async () => {
      for (const action of ['announcement', 'locked']) {
        const res = await api.post(path('updateSetting', groupJid), { action });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
      expect(wa.group(groupJid)).to.include({ announce: true, locked: true });
      await eventually(() => eventsOf('group.update').some((d) => (d as { id: string; restrict?: boolean }[]).some((u) => u.id === groupJid && u.restrict === true)), 10_000, 'restrict');
      expect(eventsOf('group.update').some((d) => (d as { id: string; announce?: boolean }[]).some((u) => u.id === groupJid && u.announce === true))).to.equal(true);
      for (const action of ['not_announcement', 'unlocked']) expect((await api.post(path('updateSetting', groupJid), { action })).status).to.equal(201);
      expect(wa.group(groupJid)).to.include({ announce: false, locked: false });
      expect((await api.post(path('updateSetting', groupJid), { action: 'closed' })).status).to.equal(400);
    });

    it('toggleEphemeral sets and clears the timer', async () => {
      const res = await api.post(path('toggleEphemeral', groupJid), { expiration: 604800 });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.deep.equal({ success: true });
      expect(wa.group(groupJid).ephemeral).to.equal(604800);
      expect((await api.post(path('toggleEphemeral', groupJid), { expiration: 0 })).status).to.equal(201);
      expect(wa.group(groupJid).ephemeral).to.equal(0);
      expect((await api.post(path('toggleEphemeral', groupJid), { expiration: 5 })).status).to.equal(400);
    });

    it('takes GROUPS_UPDATE and groups.update in an event list as GROUP_UPDATE, still emitted as group.update', async () => {
      const hook = { enabled: true, url: `${receiver.url}/hook` };
      const set = await api.post(`/webhook/set/${NAME}`, { webhook: { ...hook, events: ['GROUPS_UPDATE', 'groups.update', 'MESSAGES_UPSERT', 'GROUPS_UPSERT', 'GROUP_PARTICIPANTS_UPDATE'] } });
      expect(set.status, JSON.stringify(set.body)).to.equal(201);
      expect((await api.get(`/webhook/find/${NAME}`)).body.events).to.deep.equal(['GROUP_UPDATE', 'MESSAGES_UPSERT', 'GROUPS_UPSERT', 'GROUP_PARTICIPANTS_UPDATE']);
      expect((await api.post(path('updateGroupSubject', groupJid), { subject: 'Filtered' })).status).to.equal(201);
      await eventually(() => eventsOf('group.update').some((d) => (d as { subject?: string }[]).some((u) => u.subject === 'Filtered')), 10_000, 'group.update through the filter');
      expect((await api.post(`/webhook/set/${NAME}`, { webhook: { ...hook, events: [] } })).status).to.equal(201);
    });

    it('reports a change a member makes on the phone', async () => {
      wa.changeGroupSubject(ALICE, groupJid, 'Renamed by Alice');
      await eventually(
        () => eventsOf('group.update').some((d) => (d as { subject?: string; author?: string }[]).some((u) => u.subject === 'Renamed by Alice' && u.author === jid(ALICE))),
        10_000,
        'group.update by Alice',
      );
    });
  });

  describe('participants', () => {
    let groupJid: string;
    before(async () => {
      groupJid = await ownGroup('People', [ALICE]);
    });

    it('adds, promotes, demotes and removes, with WhatsApp’s code per number and the events', async () => {
      const update = (action: string, participants: string[]) => api.post(path('updateParticipant', groupJid), { action, participants });
      const added = await update('add', [CAROL, PRIVATE]);
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      expect(added.body.updateParticipants.map((r: { status: string; jid: string }) => [r.jid, r.status])).to.deep.equal([
        [jid(CAROL), '200'],
        [jid(PRIVATE), '403'],
      ]);
      expect(wa.group(groupJid).members).to.deep.equal([OWNER, ALICE, CAROL]);
      expect((await update('promote', [CAROL])).status).to.equal(201);
      expect(wa.group(groupJid).admins).to.deep.equal([OWNER, CAROL]);
      expect((await update('demote', [CAROL])).status).to.equal(201);
      expect(wa.group(groupJid).admins).to.deep.equal([OWNER]);
      expect((await update('remove', [ALICE])).status).to.equal(201);
      expect(wa.group(groupJid).members).to.deep.equal([OWNER, CAROL]);
      const actions = () =>
        (eventsOf('group-participants.update') as { id: string; action: string; participants: { id: string }[] }[])
          .filter((d) => d.id === groupJid)
          .map((d) => [d.action, d.participants.map((p) => p.id)]);
      await eventually(() => actions().length === 4, 10_000, 'four participant events');
      expect(actions()).to.deep.equal([
        ['add', [jid(CAROL)]],
        ['promote', [jid(CAROL)]],
        ['demote', [jid(CAROL)]],
        ['remove', [jid(ALICE)]],
      ]);
      const addEvent = (eventsOf('group-participants.update') as { id: string; action: string; author: string; participantsData: unknown }[]).find(
        (d) => d.id === groupJid && d.action === 'add',
      );
      expect(addEvent?.author).to.equal(jid(OWNER));
      expect(addEvent?.participantsData).to.deep.equal([{ jid: jid(CAROL), phoneNumber: CAROL }]);
    });

    it('reports the account being added to a group by a member, and that group’s messages', async () => {
      const theirs = wa.createGroup(CAROL, 'Carol’s', [ALICE]);
      wa.changeGroupParticipants(CAROL, theirs, 'add', [OWNER]);
      const added = () =>
        (eventsOf('group-participants.update') as { id: string; action: string; author: string; participants: { id: string }[] }[]).find(
          (d) => d.id === theirs && d.action === 'add',
        );
      await eventually(() => added() !== undefined, 10_000, 'group-participants.update add');
      expect(added()?.author).to.equal(jid(CAROL));
      expect(added()?.participants.map((p) => p.id)).to.deep.equal([jid(OWNER)]);
      const sent = await wa.sendGroupTextToClient(CAROL, theirs, 'welcome');
      await eventually(
        () => eventsOf('messages.upsert').some((d) => (d as { key: { id: string; participant?: string } }).key.id === sent.id),
        10_000,
        'the welcome message',
      );
    });

    it('participants lists the members with their role', async () => {
      const res = await api.get(path('participants', groupJid));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.participants.map((p: { id: string; admin: string | null }) => [p.id, p.admin])).to.deep.equal([
        [jid(OWNER), 'superadmin'],
        [jid(CAROL), null],
      ]);
    });

    it('refuses what only admins may do with WhatsApp’s reason, and a group that does not exist', async () => {
      const theirs = wa.createGroup(ALICE, 'Alice’s', [OWNER]);
      await eventually(() => eventsOf('groups.upsert').some((d) => (d as { id: string }[])[0]?.id === theirs), 10_000, 'groups.upsert of a group made by Alice');
      const res = await api.post(path('updateParticipant', theirs), { action: 'add', participants: [DAVE] });
      expect(res.status).to.equal(400);
      expect(res.body.response.message.join(' ')).to.contain('401 not-authorized');
      const invite = await api.get(path('inviteCode', theirs));
      expect(invite.status).to.equal(404);
      const missing = await api.get(path('findGroupInfos', '120363000000000000@g.us'));
      expect(missing.status).to.equal(404);
    });

    it('refuses a jid that is not a group, and a missing one', async () => {
      const notGroup = await api.get(path('findGroupInfos', jid(ALICE)));
      expect(notGroup.status).to.equal(400);
      expect(notGroup.body.response.message.join(' ')).to.contain('is not a group');
      expect((await api.get(path('findGroupInfos'))).status).to.equal(400);
      expect((await api.post(path('updateParticipant', groupJid), { action: 'kick', participants: [ALICE] })).status).to.equal(400);
    });
  });

  describe('invites', () => {
    let groupJid: string;
    before(async () => {
      groupJid = await ownGroup('Invites', [ALICE]);
    });

    it('inviteCode answers the code WhatsApp holds, inviteInfo describes the group', async () => {
      const res = await api.get(path('inviteCode', groupJid));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const code = wa.group(groupJid).inviteCode;
      expect(res.body).to.deep.equal({ inviteUrl: `https://chat.whatsapp.com/${code}`, inviteCode: code });
      const info = await api.get(`/group/inviteInfo/${NAME}?inviteCode=${code}`);
      expect(info.status, JSON.stringify(info.body)).to.equal(200);
      expect(info.body).to.include({ id: groupJid, subject: 'Invites', size: 2 });
      expect((await api.get(`/group/inviteInfo/${NAME}?inviteCode=short`)).status).to.equal(400);
    });

    it('revokeInviteCode replaces the code; the old one is gone', async () => {
      const old = wa.group(groupJid).inviteCode;
      const res = await api.post(path('revokeInviteCode', groupJid), {});
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.deep.equal({ revoked: true, inviteCode: wa.group(groupJid).inviteCode });
      expect(res.body.inviteCode).to.not.equal(old);
      expect((await api.get(`/group/inviteInfo/${NAME}?inviteCode=${old}`)).status).to.equal(404);
    });

    it('sendInvite sends the link as a text to each number', async () => {
      const res = await api.post(`/group/sendInvite/${NAME}`, { groupJid, description: 'Join us', numbers: [DAVE] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const inviteUrl = `https://chat.whatsapp.com/${wa.group(groupJid).inviteCode}`;
      expect(res.body).to.deep.equal({ send: true, inviteUrl });
      const received = await wa.nextMessage(DAVE, 10_000);
      expect(received.message.extendedTextMessage?.text ?? received.message.conversation).to.equal(`Join us\n\n${inviteUrl}`);
    });

    it('acceptInviteCode joins a group by its code, and leaveGroup leaves it', async () => {
      const theirs = wa.createGroup(BOB, 'Bob’s club', [CAROL]);
      const res = await api.get(`/group/acceptInviteCode/${NAME}?inviteCode=${wa.group(theirs).inviteCode}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.equal({ accepted: true, groupJid: theirs });
      expect(wa.group(theirs).members).to.deep.equal([BOB, CAROL, OWNER]);
      const left = await api.delete(path('leaveGroup', theirs));
      expect(left.status, JSON.stringify(left.body)).to.equal(200);
      expect(left.body).to.deep.equal({ groupJid: theirs, leave: true });
      expect(wa.group(theirs).members).to.deep.equal([BOB, CAROL]);
      expect((await api.get(path('findGroupInfos', theirs))).status).to.equal(404);
      const send = await api.post(`/message/sendText/${NAME}`, { number: theirs, text: 'still here?' });
      expect(send.status, JSON.stringify(send.body)).to.equal(400);
      expect(send.body.response.message.join(' ')).to.contain('403 forbidden');
    });
  });

  describe('findGroupInfos, fetchAllGroups', () => {
    it('findGroupInfos answers Evolution’s group object', async () => {
      const groupJid = await ownGroup('Found');
      const res = await api.get(path('findGroupInfos', groupJid));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ id: groupJid, subject: 'Found', subjectOwner: jid(OWNER), owner: jid(OWNER), size: 3, pictureUrl: null, restrict: false, announce: false });
      expect(res.body.creation).to.be.a('number');
      expect(res.body.participants.map((p: { id: string }) => p.id)).to.deep.equal([jid(OWNER), jid(ALICE), jid(BOB)]);
    });

    it('fetchAllGroups lists the account’s groups, with participants only when asked', async () => {
      const without = await api.get(`/group/fetchAllGroups/${NAME}?getParticipants=false`);
      expect(without.status, JSON.stringify(without.body)).to.equal(200);
      const found = (without.body as { id: string; subject: string; participants?: unknown }[]).find((g) => g.subject === 'Found');
      expect(found).to.not.equal(undefined);
      expect(found).to.not.have.property('participants');
      const ids = without.body.map((g: { id: string }) => g.id);
      expect(ids.every((id: string) => wa.group(id).members.includes(OWNER))).to.equal(true);
      const withParticipants = await api.get(`/group/fetchAllGroups/${NAME}?getParticipants=true`);
      const again = (withParticipants.body as { subject: string; participants: { id: string }[] }[]).find((g) => g.subject === 'Found');
      expect(again?.participants.map((p) => p.id)).to.deep.equal([jid(OWNER), jid(ALICE), jid(BOB)]);
      expect((await api.get(`/group/fetchAllGroups/${NAME}`)).status).to.equal(400);
    });
  });

  describe('addressed by LID', () => {
    let groupJid: string;
    /** Each member as [id, phoneNumber, admin]. */
    const named = (participants: Participant[]) => participants.map((p) => [p.id, p.phoneNumber, p.admin]);

    before(async () => {
      groupJid = wa.createGroup(ALICE, 'By LID', [OWNER, BOB], { addressing: 'lid' });
      await eventually(() => eventsOf('groups.upsert').some((d) => (d as { id: string }[])[0]?.id === groupJid), 10_000, 'groups.upsert of the LID group');
    });

    it('lists the members by LID with their phone numbers: participants, findGroupInfos, fetchAllGroups', async () => {
      const expected = [
        [lid(ALICE), jid(ALICE), 'superadmin'],
        [lid(OWNER), jid(OWNER), null],
        [lid(BOB), jid(BOB), null],
      ];
      const participants = await api.get(path('participants', groupJid));
      expect(participants.status, JSON.stringify(participants.body)).to.equal(200);
      expect(named(participants.body.participants)).to.deep.equal(expected);
      const info = await api.get(path('findGroupInfos', groupJid));
      expect(info.status, JSON.stringify(info.body)).to.equal(200);
      expect(info.body).to.include({ id: groupJid, subject: 'By LID', owner: lid(ALICE), size: 3 });
      expect(named(info.body.participants)).to.deep.equal(expected);
      const all = await api.get(`/group/fetchAllGroups/${NAME}?getParticipants=true`);
      const listed = (all.body as { id: string; participants: Participant[] }[]).find((g) => g.id === groupJid);
      expect(named(listed?.participants ?? [])).to.deep.equal(expected);
    });

    it('reports a member’s message with participant (the LID) and participantAlt (the phone number), and findMessages keeps both', async () => {
      const sent = await wa.sendGroupTextToClient(BOB, groupJid, 'hello from bob');
      await eventually(() => upsertOf(sent.id) !== undefined, 10_000, 'the group message at the webhook');
      expect(upsertOf(sent.id)!.key).to.deep.include({ remoteJid: groupJid, fromMe: false, participant: lid(BOB), participantAlt: jid(BOB) });
      expect(upsertOf(sent.id)!.message.conversation).to.equal('hello from bob');
      let stored: Upserted | undefined;
      await eventually(async () => {
        const res = await api.post(`/chat/findMessages/${NAME}`, { where: { key: { id: sent.id } } });
        stored = (res.body.messages.records as Upserted[])[0];
        return stored !== undefined;
      }, 10_000, 'the stored message');
      expect(stored!.key).to.deep.include({ id: sent.id, remoteJid: groupJid, participant: lid(BOB), participantAlt: jid(BOB) });
    });

    it('reports a member added on the phone with its phone number in participantsData', async () => {
      wa.changeGroupParticipants(ALICE, groupJid, 'add', [CAROL]);
      const added = () =>
        (eventsOf('group-participants.update') as { id: string; action: string; author: string; participants: Participant[]; participantsData: unknown[] }[]).find(
          (d) => d.id === groupJid && d.action === 'add',
        );
      await eventually(() => added() !== undefined, 10_000, 'group-participants.update add');
      expect(added()!.author).to.equal(lid(ALICE));
      expect(added()!.participants.map((p) => [p.id, p.phoneNumber])).to.deep.equal([[lid(CAROL), jid(CAROL)]]);
      // As Evolution gives it for a LID member: the phone number's jid.
      expect(added()!.participantsData).to.deep.equal([{ jid: lid(CAROL), phoneNumber: jid(CAROL) }]);
    });

    it('sends a text every member’s phone decrypts, and mentionsEveryOne mentions each member as the group names it', async () => {
      const res = await api.post(`/message/sendText/${NAME}`, { number: groupJid, text: 'hello lid group' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.key).to.deep.include({ remoteJid: groupJid, fromMe: true });
      const mention = await api.post(`/message/sendText/${NAME}`, { number: groupJid, text: 'all hands', mentionsEveryOne: true });
      expect(mention.status, JSON.stringify(mention.body)).to.equal(201);
      for (const member of [ALICE, BOB, CAROL]) {
        const text = await wa.nextMessage(member, 10_000, groupJid);
        expect([text.id, text.message.extendedTextMessage?.text ?? text.message.conversation]).to.deep.equal([res.body.key.id, 'hello lid group']);
        const all = await wa.nextMessage(member, 10_000, groupJid);
        expect(all.id).to.equal(mention.body.key.id);
        expect(all.message.extendedTextMessage?.contextInfo?.mentionedJid).to.have.members([lid(ALICE), lid(OWNER), lid(BOB), lid(CAROL)]);
      }
    });

    it('with groupsIgnore its messages raise no messages.upsert', async () => {
      await ignoredWithGroupsIgnore(BOB, groupJid);
    });

    it('create answers a group WhatsApp addresses by LID with each member’s phone number', async () => {
      wa.groupAddressing = 'lid';
      try {
        const res = await api.post(path('create'), { subject: 'New kind', participants: [ALICE, DAVE] });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        expect(res.body.addressingMode).to.equal('lid');
        expect(named(res.body.participants)).to.deep.equal([
          [lid(OWNER), jid(OWNER), 'superadmin'],
          [lid(ALICE), jid(ALICE), null],
          [lid(DAVE), jid(DAVE), null],
        ]);
        expect(wa.group(res.body.id).addressingMode).to.equal('lid');
      } finally {
        wa.groupAddressing = 'pn';
      }
    });
  });
});
