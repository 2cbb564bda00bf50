import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { FileServer } from './support/file-server.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550011000';
const ALICE = '15550011001';
const BOB = '15550011002';
const CAROL = '15550011003';
/** Contacts who wrote to the owner, so the instance stores them with their names: more than one batch of ten. */
const FRIENDS = Array.from({ length: 12 }, (_, i) => `155500111${String(i).padStart(2, '0')}`);
const NOT_ON_WHATSAPP = '15550011999';
const STATUS = 'status@broadcast';
const jid = (pn: string) => `${pn}@s.whatsapp.net`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('status posts, status reading and call offers through the emulator', function () {
  this.timeout(90_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let files: FileServer;
  let receiver: WebhookReceiver;
  let instanceId: string;

  before(async () => {
    wa = await WaEmulator.start();
    files = await FileServer.start();
    receiver = await WebhookReceiver.start();
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
    ({ instanceId } = await createPaired(api, wa, 'stories', OWNER, { webhook: { url: `${receiver.url}/stories`, events: ['MESSAGES_UPSERT'] } }));
    wa.addContact(ALICE, 'Alice Able');
    wa.addContact(BOB, 'Bob Baker');
    wa.addContact(CAROL, 'Carol Cole');
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await files?.stop();
    await receiver?.stop();
  });

  const statusesAt = (contact: string) => wa.receivedMessages(contact).filter((m) => m.chat === STATUS);
  const upserts = () =>
    receiver.accepted.filter((r) => r.body.event === 'messages.upsert').map((r) => r.body.data as { key: { remoteJid: string; id: string; participant?: string } });

  describe('POST /message/sendStatus', () => {
    it('a text post reaches exactly the contacts of statusJidList, with its background and font', async () => {
      const res = await api.post('/message/sendStatus/stories', {
        type: 'text',
        content: 'Open until 22:00 today',
        backgroundColor: '#112233',
        font: 2,
        statusJidList: [ALICE, jid(BOB)],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.key).to.deep.include({ remoteJid: STATUS, fromMe: true });
      expect(res.body.messageType).to.equal('extendedTextMessage');
      for (const contact of [ALICE, BOB]) {
        const received = await wa.nextMessage(contact, 10_000, STATUS);
        expect(received.id).to.equal(res.body.key.id);
        expect(received.from).to.equal(jid(OWNER));
        const text = received.message.extendedTextMessage;
        expect(text?.text).to.equal('Open until 22:00 today');
        expect(text?.backgroundArgb, 'opaque #112233').to.equal(0xff112233);
        expect(text?.font).to.equal(2);
      }
      expect(statusesAt(CAROL), 'Carol was not in the list').to.deep.equal([]);
    });

    it('an image by URL reaches its one contact with the same bytes and caption', async () => {
      const png = await QRCode.toBuffer('the new shop window');
      const url = files.serve('/window.png', png, 'image/png');
      const res = await api.post('/message/sendStatus/stories', { type: 'image', content: url, caption: 'New window', statusJidList: [CAROL] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.messageType).to.equal('imageMessage');
      const received = await wa.nextMessage(CAROL, 10_000, STATUS);
      expect(received.id).to.equal(res.body.key.id);
      expect(received.message.imageMessage?.caption).to.equal('New window');
      expect(received.message.imageMessage?.mimetype).to.equal('image/png');
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(png));
      expect(statusesAt(ALICE).map((m) => m.id)).not.to.include(res.body.key.id);
    });

    it('a video and a voice note in base64 are decrypted by the phone as sent', async () => {
      const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), randomBytes(4000)]);
      const video = await api.post('/message/sendStatus/stories', { type: 'video', content: mp4.toString('base64'), caption: 'clip', statusJidList: [ALICE] });
      expect(video.status, JSON.stringify(video.body)).to.equal(201);
      const clip = await wa.nextMessage(ALICE, 10_000, STATUS);
      expect(clip.id).to.equal(video.body.key.id);
      expect(clip.message.videoMessage?.caption).to.equal('clip');
      expect(sha256(wa.downloadReceivedMedia(clip))).to.equal(sha256(mp4));

      const ogg = Buffer.concat([Buffer.from('OggS'), randomBytes(2000)]);
      const audio = await api.post('/message/sendStatus/stories', { type: 'audio', content: ogg.toString('base64'), statusJidList: [ALICE] });
      expect(audio.status, JSON.stringify(audio.body)).to.equal(201);
      const voice = await wa.nextMessage(ALICE, 10_000, STATUS);
      expect(voice.id).to.equal(audio.body.key.id);
      expect(voice.message.audioMessage?.ptt, 'a voice note').to.equal(true);
      expect(voice.message.audioMessage?.mimetype).to.equal('audio/ogg; codecs=opus');
      expect(sha256(wa.downloadReceivedMedia(voice))).to.equal(sha256(ogg));
    });

    it('takes the media as a multipart file too', async () => {
      const png = await QRCode.toBuffer('a form upload');
      const form = new FormData();
      form.set('type', 'image');
      form.set('caption', 'from a form');
      form.append('statusJidList', ALICE);
      form.append('statusJidList', BOB);
      form.set('file', new Blob([png], { type: 'image/png' }), 'upload.png');
      const response = await fetch(`${api.baseUrl}/message/sendStatus/stories`, { method: 'POST', headers: { apikey: api.key }, body: form });
      expect(response.status, await response.clone().text()).to.equal(201);
      for (const contact of [ALICE, BOB]) {
        const received = await wa.nextMessage(contact, 10_000, STATUS);
        expect(received.message.imageMessage?.caption).to.equal('from a form');
        expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(png));
      }
    });

    it('allContacts reaches every stored contact, in batches of ten under one id', async () => {
      for (const friend of FRIENDS) {
        wa.addContact(friend, `Friend ${friend.slice(-2)}`);
        await wa.sendTextToClient(friend, OWNER, `hello from ${friend}`);
      }
      await eventually(async () => (await api.post('/chat/findContacts/stories', {})).body.length >= FRIENDS.length, 10_000, 'the friends stored');
      const stored = ((await api.post('/chat/findContacts/stories', {})).body as { remoteJid: string }[]).map((c) => c.remoteJid);
      const res = await api.post('/message/sendStatus/stories', { type: 'text', content: 'to everyone', backgroundColor: '#000000', font: 0, allContacts: true });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      for (const friend of FRIENDS) {
        const received = await wa.nextMessage(friend, 10_000, STATUS);
        expect(received.id, friend).to.equal(res.body.key.id);
        expect(received.message.extendedTextMessage?.text).to.equal('to everyone');
      }
      expect(stored.sort()).to.deep.equal(FRIENDS.map(jid).sort());
      expect(statusesAt(BOB).map((m) => m.id), 'Bob is not a stored contact').not.to.include(res.body.key.id);
      const stanzas = wa.stanzas.filter((s) => s.dir === 'in' && s.node.tag === 'message' && s.node.attrs.id === res.body.key.id);
      expect(stanzas, 'two stanzas: ten recipients, then two').to.have.length(2);
    });

    it("refuses Evolution's way: no audience, a text without background or font, a wrong type or media", async () => {
      const noAudience = await api.post('/message/sendStatus/stories', { type: 'text', content: 'x', backgroundColor: '#000000', font: 1 });
      expect(noAudience.status).to.equal(400);
      expect(noAudience.body.response.message).to.deep.equal(['StatusJidList is required']);
      const noColour = await api.post('/message/sendStatus/stories', { type: 'text', content: 'x', font: 1, statusJidList: [ALICE] });
      expect(noColour.body.response.message).to.deep.equal(['Background color is required']);
      const noFont = await api.post('/message/sendStatus/stories', { type: 'text', content: 'x', backgroundColor: '#000000', statusJidList: [ALICE] });
      expect(noFont.body.response.message).to.deep.equal(['Font is required']);
      const badType = await api.post('/message/sendStatus/stories', { type: 'sticker', content: 'x', statusJidList: [ALICE] });
      expect(badType.status).to.equal(400);
      const badColour = await api.post('/message/sendStatus/stories', { type: 'text', content: 'x', backgroundColor: 'blue', font: 1, statusJidList: [ALICE] });
      expect(badColour.status).to.equal(400);
      const notImage = await api.post('/message/sendStatus/stories', { type: 'image', content: Buffer.from('OggS plus noise').toString('base64'), statusJidList: [ALICE] });
      expect(notImage.status).to.equal(400);
      const group = await api.post('/message/sendStatus/stories', { type: 'text', content: 'x', backgroundColor: '#000000', font: 1, statusJidList: ['1203630@g.us'] });
      expect(group.status).to.equal(400);
      await api.post('/instance/create', { instanceName: 'lonely' });
      const nobody = await api.post('/message/sendStatus/lonely', { type: 'text', content: 'x', backgroundColor: '#000000', font: 1, allContacts: true });
      expect(nobody.status).to.equal(400);
      expect(nobody.body.response.message).to.deep.equal(['Contacts not found']);
    });
  });

  describe('readStatus', () => {
    /** Waits until a later chat message from `contact` was reported: whatever the status post caused came before. */
    const settle = async (contact: string) => {
      const { id } = await wa.sendTextToClient(contact, OWNER, 'after the status');
      await eventually(() => upserts().some((data) => data.key.id === id), 10_000, 'the later chat message');
    };
    const readReceiptsFor = (id: string) => wa.receiptsSent(OWNER).filter((r) => r.ids.includes(id) && r.type?.startsWith('read'));

    it('off (the default): a contact’s status post is neither reported nor read', async () => {
      const { id } = await wa.postStatusToClient(ALICE, OWNER, 'quiet morning');
      await settle(ALICE);
      await sleep(300);
      expect(upserts().filter((data) => data.key.id === id)).to.deep.equal([]);
      expect(readReceiptsFor(id)).to.deep.equal([]);
    });

    it('on: the post is reported as messages.upsert from status@broadcast and read on WhatsApp', async () => {
      const set = await api.post('/settings/set/stories', { readStatus: true });
      expect(set.status, JSON.stringify(set.body)).to.be.within(200, 201);
      const { id } = await wa.postStatusToClient(BOB, OWNER, 'sunny afternoon');
      await eventually(() => upserts().some((data) => data.key.id === id), 10_000, 'the status upsert');
      const [upsert] = upserts().filter((data) => data.key.id === id);
      expect(upsert.key).to.deep.include({ remoteJid: STATUS, participant: jid(BOB) });
      await eventually(() => readReceiptsFor(id).length > 0, 5_000, 'the read receipt');
      const [receipt] = readReceiptsFor(id);
      expect(receipt).to.deep.include({ to: STATUS, participant: jid(BOB) });
    });
  });

  describe('POST /call/offer', () => {
    it("rings the contact's phone and ends the call after callDuration seconds", async () => {
      const res = await api.post('/call/offer/stories', { number: ALICE, isVideo: false, callDuration: 1 });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.deep.include({ jid: jid(ALICE), isVideo: false, callDuration: 1 });
      expect(res.body.id).to.match(/^[0-9A-F]{32}$/);
      const [offer] = wa.callOffers(ALICE);
      expect(offer).to.deep.include({ callId: res.body.id, from: OWNER, to: ALICE, isVideo: false, endedAt: null });
      await eventually(() => wa.callOffers(ALICE)[0]?.endedAt !== null, 5_000, 'the end of the call');
      const ended = wa.callOffers(ALICE)[0];
      expect(ended.endedAt! - ended.at).to.be.within(900, 3_000);
    });

    it('a video call says so in its offer', async () => {
      const res = await api.post('/call/offer/stories', { number: jid(CAROL), isVideo: true, callDuration: 2 });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(wa.callOffers(CAROL).map((offer) => ({ callId: offer.callId, isVideo: offer.isVideo }))).to.deep.equal([{ callId: res.body.id, isVideo: true }]);
    });

    it('refuses a number not on WhatsApp and a duration out of 1-15 seconds', async () => {
      const absent = await api.post('/call/offer/stories', { number: NOT_ON_WHATSAPP, callDuration: 3 });
      expect(absent.status).to.equal(400);
      expect(wa.callOffers(NOT_ON_WHATSAPP)).to.deep.equal([]);
      for (const callDuration of [0, 16, undefined]) {
        const res = await api.post('/call/offer/stories', { number: BOB, callDuration });
        expect(res.status, String(callDuration)).to.equal(400);
      }
      expect(wa.callOffers(BOB)).to.deep.equal([]);
    });
  });

  describe('POST /chat/findStatusMessage', () => {
    type Row = { id: string; keyId: string; remoteJid: string; fromMe: boolean; participant: string | null; status: string; messageId: string; instanceId: string };
    const find = async (body: Record<string, unknown>): Promise<Row[]> => {
      const res = await api.post('/chat/findStatusMessage/stories', body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as Row[];
    };
    let textId = '';

    afterEach(() => wa.receiptPolicy({ delivery: 50, read: 'never', played: 'never' }));

    it('keeps the delivery and read receipts of a sent text, in the order they came', async () => {
      wa.receiptPolicy({ delivery: 50, read: 600 });
      const sent = await api.post('/message/sendText/stories', { number: BOB, text: 'did you see the status?' });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
      textId = sent.body.key.id;
      await eventually(async () => (await find({ where: { id: textId } })).some((row) => row.status === 'READ'), 5_000, 'the read receipt kept');
      const rows = await find({ where: { id: textId } });
      expect(rows.map((row) => row.status)).to.deep.equal(['DELIVERY_ACK', 'READ']);
      const [stored] = (await api.post('/chat/findMessages/stories', { where: { key: { id: textId } } })).body.messages.records;
      for (const row of rows) {
        expect(row).to.deep.include({ keyId: textId, remoteJid: jid(BOB), fromMe: true, participant: null, messageId: stored.id, instanceId });
      }
      expect(Number(rows[1].id)).to.be.greaterThan(Number(rows[0].id));
    });

    it('filters by remoteJid (a number too), status and _id, and pages with offset and page', async () => {
      const second = await api.post('/message/sendText/stories', { number: BOB, text: 'one more' });
      await eventually(async () => (await find({ where: { id: second.body.key.id } })).length === 1, 5_000, 'the second delivery');
      const bob = await find({ where: { remoteJid: BOB } });
      expect(bob.map((row) => [row.keyId, row.status])).to.deep.equal([
        [textId, 'DELIVERY_ACK'],
        [textId, 'READ'],
        [second.body.key.id, 'DELIVERY_ACK'],
      ]);
      expect(await find({ where: { remoteJid: jid(BOB) } })).to.deep.equal(bob);
      expect((await find({ where: { remoteJid: BOB, status: 'READ' } })).map((row) => row.keyId)).to.deep.equal([textId]);
      expect(await find({ where: { _id: bob[1].id } })).to.deep.equal([bob[1]]);
      expect(await find({ where: { _id: 'not-a-row' } })).to.deep.equal([]);
      expect(await find({ where: { remoteJid: BOB }, offset: 2, page: 2 })).to.deep.equal([bob[2]]);
      expect(await find({ where: { remoteJid: BOB }, offset: 2 })).to.deep.equal(bob.slice(0, 2));
      expect(await find({ where: { remoteJid: CAROL } })).to.deep.equal([]);
    });

    it('an edit and a delete for everyone join the history of the message', async () => {
      const key = { remoteJid: jid(BOB), fromMe: true, id: textId };
      const edited = await api.post('/chat/updateMessage/stories', { key, text: 'did you see my status?' });
      expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
      const deleted = await api.request('DELETE', '/chat/deleteMessageForEveryone/stories', key);
      expect(deleted.status, JSON.stringify(deleted.body)).to.equal(201);
      await eventually(async () => (await find({ where: { id: textId } })).length === 4, 5_000, 'four changes');
      expect((await find({ where: { id: textId } })).map((row) => row.status)).to.deep.equal(['DELIVERY_ACK', 'READ', 'EDITED', 'DELETED']);
    });

    it('a voice note goes on to PLAYED once the contact listened to it', async () => {
      wa.receiptPolicy({ delivery: 50, read: 300, played: 600 });
      const ogg = Buffer.concat([Buffer.from('OggS'), randomBytes(1500)]);
      const sent = await api.post('/message/sendWhatsAppAudio/stories', { number: CAROL, audio: ogg.toString('base64') });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
      const id = sent.body.key.id;
      await eventually(async () => (await find({ where: { id } })).some((row) => row.status === 'PLAYED'), 5_000, 'the played receipt kept');
      expect((await find({ where: { id } })).map((row) => row.status)).to.deep.equal(['DELIVERY_ACK', 'READ', 'PLAYED']);
      expect((await find({ where: { remoteJid: CAROL, status: 'PLAYED' } })).map((row) => row.keyId)).to.deep.equal([id]);
    });

    it('refuses a status WhatsApp does not have and a page size over 1000', async () => {
      const wrong = await api.post('/chat/findStatusMessage/stories', { where: { status: 'SEEN' } });
      expect(wrong.status).to.equal(400);
      const big = await api.post('/chat/findStatusMessage/stories', { offset: 1001 });
      expect(big.status).to.equal(400);
    });
  });

  describe('GET /chat/findChatByRemoteJid', () => {
    it('answers the stored chat, null for an unknown one, 400 without remoteJid', async () => {
      const found = await api.get(`/chat/findChatByRemoteJid/stories?remoteJid=${encodeURIComponent(jid(BOB))}`);
      expect(found.status, JSON.stringify(found.body)).to.equal(200);
      expect(found.body).to.deep.include({ id: jid(BOB), remoteJid: jid(BOB), instanceId, unreadMessages: 0 });
      const byNumber = await api.get(`/chat/findChatByRemoteJid/stories?remoteJid=${BOB}`);
      expect(byNumber.body.remoteJid).to.equal(jid(BOB));
      const unknown = await api.get(`/chat/findChatByRemoteJid/stories?remoteJid=${NOT_ON_WHATSAPP}`);
      expect(unknown.status).to.equal(200);
      expect(unknown.body).to.equal(null);
      const missing = await api.get('/chat/findChatByRemoteJid/stories');
      expect(missing.status).to.equal(400);
      expect(missing.body.response.message).to.deep.equal(['remoteJid is required']);
    });
  });
});
